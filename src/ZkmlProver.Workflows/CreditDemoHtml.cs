using System.Globalization;

namespace ZkmlProver.Workflows;

/// <summary>The credit demo's report.html (the same facts as report.md, as one self-contained page
/// written by <see cref="HtmlReport"/>): the audit's verdicts, the problems it found by file and
/// applicant, the summary counts, the charts and the sortable table of decisions.</summary>
static class CreditDemoHtml
{
    public static HtmlReport Build(CreditDemoResult r, byte[] scoresPng, byte[] timingsPng)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v, string f = "F3") => v.ToString(f, inv);
        string Decision(bool deny) => deny ? "deny" : "approve";
        string rows = $"rows {r.CalibrationRows + 1}–{r.CalibrationRows + r.Applicants.Count}";
        string headline = r.AuditCaughtTheTamper
            ? $"the genuine proof of {r.Applicants.Count} decisions verifies; the tampered copy is rejected"
            : !r.AuditAccepted ? $"the genuine proof was rejected: {r.AuditReason}"
            : $"the tampered copy was accepted (this must not happen)";

        var page = new HtmlReport("Credit decisions proven in zero knowledge").Verdict(r.AuditCaughtTheTamper, headline,
            $"A lender scores {r.Applicants.Count} held-out applicants of the German Credit data with a secret MLP, denies when P(bad) ≥ {F(r.Threshold, "G")} " +
            "and proves all decisions in one proof against its published model commitment; the auditor verifies with circuit.json, model.commitment and the proof only.");
        var summary = new List<(string, string, bool?)>
        {
            ("applicants (held out)", r.Applicants.Count.ToString(inv), null),
            ("approved / denied", $"{r.Approved} / {r.Denied}", null),
            ("agree with the float model", $"{r.Agreeing}/{r.Applicants.Count}", r.Agreeing == r.Applicants.Count ? true : null),
        };
        if (r.ProvenAccuracy is { } pa) summary.Add(("accuracy vs true outcomes", $"{F(pa * 100, "F1")} %", null));
        summary.Add(("proof size", $"{F(r.ProofBytes / 1024.0, "F0")} KiB", null));
        summary.Add(("prove time", $"{F(r.ProveMs / 1000.0, "F1")} s", null));
        summary.Add(("verify time", $"{F(r.VerifyMs / 1000.0, "F2")} s", null));
        page.Summary(summary);

        page.Section("Audit of the proofs", "Verified with the public files in audit/ only; the tampered copy has one decision flipped.");
        page.Table("proofs", [new("file", "file"), new("rows", "rows"), new("verdict", "verdict"), new("reason", "reason")],
        [
            [File("audit/decisions.zkp"), new(rows, (r.CalibrationRows + 1).ToString(inv)), Verdict(r.AuditAccepted, expected: true), r.AuditReason ?? "-"],
            [File("audit/decisions-tampered.zkp"), new(rows, (r.CalibrationRows + 1).ToString(inv)), Verdict(r.TamperAccepted, expected: false), r.TamperReason ?? "-"],
        ], rowClass: i => (i == 0 ? r.AuditAccepted : !r.TamperAccepted) ? null : "bad");

        var problems = new List<IReadOnlyList<HtmlCell>>();
        if (!r.AuditAccepted) problems.Add([File("audit/decisions.zkp"), new(rows, (r.CalibrationRows + 1).ToString(inv)), $"proof rejected: {r.AuditReason}"]);
        int tamperedRow = r.CalibrationRows + 1 + Math.Max(0, r.Applicants.ToList().FindIndex(a => a.Id == r.TamperedApplicant));
        problems.Add([File("audit/decisions-tampered.zkp"), new($"row {tamperedRow}", tamperedRow.ToString(inv)),
            $"applicant {r.TamperedApplicant}: P(bad) changed {F(r.TamperedFrom)} → {F(r.TamperedTo)} (decision flipped): " + (r.TamperAccepted ? "ACCEPTED — this must not happen" : $"proof rejected: {r.TamperReason}")]);
        page.Section("Problems found by the audit", "Every problem names the file and the row (applicant) concerned; the tampered copy is there on purpose.");
        page.Table("problems", [new("file", "file"), new("row", "row of test.csv", Numeric: true), new("problem", "problem")], problems, rowClass: _ => "bad");

        page.Section("Charts").Images([("stacked by true outcome; dashed line: the decision threshold", scoresPng), ("wall-clock time of each step on this machine", timingsPng)]);

        page.Section("Decisions", $"All {r.Applicants.Count} decisions (also in decisions.csv). Click a column header to sort; ⚠ marks a decision that differs from the float model's.");
        page.Table("decisions",
            [new("applicant", "applicant", Numeric: true), new("proven", "proven P(bad)", Numeric: true), new("float", "float P(bad)", Numeric: true),
             new("decision", "decision"), new("float-decision", "float decision"), new("outcome", "true outcome")],
            r.Applicants.Select(a => (IReadOnlyList<HtmlCell>)
            [
                a.Id, F(a.ProvenScore), F(a.FloatScore), new(Decision(a.Deny), Class: a.Deny ? "bad" : "good"),
                Decision(a.FloatDeny) + (a.Deny != a.FloatDeny ? " ⚠" : ""), a.Label is null ? "-" : a.Label == 1 ? "bad" : "good",
            ]));

        page.Section("Model and proof").Facts(
        [
            ("circuit digest", r.CircuitDigest), ("model commitment digest", r.CommitmentDigest),
            ("proof", $"{r.ProofBytes.ToString("N0", inv)} bytes for all {r.Applicants.Count} decisions (applicant features public inside it)"),
            ("times (ms)", $"compile {r.CompileMs}, commit {r.CommitMs}, float scoring {r.ScoreMs}, prove {r.ProveMs}, verify {r.VerifyMs}; whole demo {F(r.TotalMs / 1000.0, "F1")} s"),
            ("public (audit/)", "the circuit (architecture, scales, ranges), the model commitment, the proof with the applicants' standardized features and the proven scores"),
            ("secret (lender/)", "weights.bin and model.key (the commitment's blinding factors)"),
        ]);
        page.Footer($"zkml demo credit · {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", inv)} UTC · self-contained page (no network access)");
        return page;

        // Green when the verdict is the one a sound verifier must give (the tampered copy must be rejected).
        static HtmlCell File(string name) => new(name, Class: "mono");
        static HtmlCell Verdict(bool accepted, bool expected) => new(accepted ? "accepted" : "rejected", Class: accepted == expected ? "good" : "bad");
    }
}
