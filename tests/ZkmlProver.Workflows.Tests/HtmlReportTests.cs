using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ZkmlProver.Workflows.Tests;

/// <summary>The HTML reports of the credit demo and of <c>zkml audit --report r.html</c>, rendered in
/// headless Chromium: verdict, counts, tables, inline charts, nothing external, escaped file names,
/// and the sort script (driven by a <c>#sort=</c> fragment). A screenshot of each page is saved
/// beside the test binaries (path printed) for a human to look at.</summary>
[Collection("credit")]
public class HtmlReportTests(CreditFixture fx, ITestOutputHelper output)
{
    static readonly string ScreenshotDir = Path.Combine(AppContext.BaseDirectory, "report-screenshots");

    void SaveScreenshot(string html, string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        string png = Path.Combine(ScreenshotDir, name + ".png");
        HeadlessChromium.Screenshot(HeadlessChromium.FileUrl(html), png);
        File.Copy(html, Path.Combine(ScreenshotDir, name + ".html"), overwrite: true);
        output.WriteLine($"screenshot: {png}");
    }

    PageExpectation DemoExpectation(CreditDemoResult r) => new("PASSED",
        [$"{r.Applicants.Count} applicants (held out)", $"{r.Approved} / {r.Denied} approved / denied", $"{r.Agreeing}/{r.Applicants.Count}",
         "audit/decisions-tampered.zkp", $"applicant {r.TamperedApplicant}", r.CircuitDigest],
        new Dictionary<string, int> { ["decisions"] = r.Applicants.Count, ["proofs"] = 2, ["problems"] = 1 });

    [ChromiumFact]
    public void CreditDemoPageShowsTheVerdictCountsChartsAndSortsTheDecisions()
    {
        var r = fx.Demo;
        string html = File.ReadAllText(r.HtmlReportPath);
        string dom = HeadlessChromium.DumpDom(HeadlessChromium.FileUrl(r.HtmlReportPath));
        var problems = ReportPageChecks.PageProblems(html, dom, DemoExpectation(r));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(2, Regex.Matches(dom, "<img ").Count);

        var written = ReportPageChecks.TableRows(dom, "decisions")!;
        Assert.Equal(r.Applicants.Select(a => a.Id), written.Select(row => row[0]));
        string byScore = HeadlessChromium.DumpDom(HeadlessChromium.FileUrl(r.HtmlReportPath, "sort=-proven"));
        var sortProblems = ReportPageChecks.SortProblems(byScore, "decisions", "proven", column: 1, descending: true, numeric: true, written);
        Assert.True(sortProblems.Count == 0, string.Join("\n", sortProblems));
        Assert.Equal(r.Applicants.Max(a => a.ProvenScore).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), ReportPageChecks.TableRows(byScore, "decisions")![0][1]);

        SaveScreenshot(r.HtmlReportPath, "credit-demo-report");
    }

    [ChromiumFact]
    public void ABrokenPageIsCaught()
    {
        var r = fx.Demo;
        string html = File.ReadAllText(r.HtmlReportPath);
        // No verdict, no sort script, and a picture from outside the page.
        string broken = Regex.Replace(html, """<p class="verdict" id="verdict">.*?</p>""", "", RegexOptions.Singleline);
        broken = Regex.Replace(broken, "<script>.*?</script>", "", RegexOptions.Singleline).Replace("<main>", "<main><img src=\"logo.png\" alt=\"logo\">");
        Assert.NotEqual(html, broken);
        string path = Path.Combine(fx.Root, "broken-report.html");
        File.WriteAllText(path, broken);
        var written = ReportPageChecks.TableRows(html, "decisions")!;
        string dom = HeadlessChromium.DumpDom(HeadlessChromium.FileUrl(path, "sort=-proven"));
        var problems = ReportPageChecks.PageProblems(broken, dom, DemoExpectation(r));
        Assert.Contains(problems, p => p.Contains("no verdict"));
        Assert.Contains(problems, p => p.Contains("src=\"logo.png\" is not a data: URI"));
        Assert.Contains(problems, p => p.Contains("image is not an inline PNG"));
        var sortProblems = ReportPageChecks.SortProblems(dom, "decisions", "proven", column: 1, descending: true, numeric: true, written);
        Assert.Contains(sortProblems, p => p.Contains("not sorted by the page script"));
    }

    [ChromiumFact]
    public void AuditHtmlReportNamesProblemsByFileAndRowsAndEscapesFileNames()
    {
        string dir = fx.CopyGood("html-audit");
        File.Delete(Path.Combine(dir, BatchHashing.ProofFileName(30, 40)));
        const string evil = "<img src=x onerror=alert(1)>.zkp";   // a file name is data, never markup
        File.Copy(Path.Combine(dir, BatchHashing.ProofFileName(0, 10)), Path.Combine(dir, evil));
        string report = Path.Combine(fx.Root, "html-audit-report", "report.html");
        var run = CliTests.Zkml("audit", dir, "--circuit", Path.Combine(fx.ModelDir, "circuit.json"), "--commitment", Path.Combine(fx.ModelDir, "model.commitment"), "--report", report);
        Assert.True(run.Code == 1, run.Out + run.Err);
        Assert.True(File.Exists(Path.ChangeExtension(report, ".json")));
        string html = File.ReadAllText(report);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<img src=x", html);

        string dom = HeadlessChromium.DumpDom(HeadlessChromium.FileUrl(report));
        var problems = ReportPageChecks.PageProblems(html, dom, new PageExpectation("FAILED",
            ["4 of 4 proof(s) verified, 30 of 40 row(s) covered, 2 problem(s)", "proof file is missing", "rows 31–40", evil, "proof file is not listed in any manifest"],
            new Dictionary<string, int> { ["problems"] = 2, ["proofs"] = 4 }));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var rows = ReportPageChecks.TableRows(dom, "problems")!;
        Assert.Equal([evil, BatchHashing.ProofFileName(30, 40)], rows.Select(row => row[0]));   // by file, then rows

        string byRows = HeadlessChromium.DumpDom(HeadlessChromium.FileUrl(report, "sort=-rows"));
        var sortProblems = ReportPageChecks.SortProblems(byRows, "problems", "rows", column: 1, descending: true, numeric: true, rows);
        Assert.True(sortProblems.Count == 0, string.Join("\n", sortProblems));

        SaveScreenshot(report, "audit-report");
    }
}
