using System.Text.Json;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary><c>zkml bench</c>: each case measured in its own process, proof body apart from the statement, --json as before.</summary>
public class BenchCommandTests
{
    static string ModelsDir => Path.GetDirectoryName(Models.Dir("credit_logreg"))!;

    static (int Exit, string Out, string Err) RunZkml(params string[] args)
    {
        using var p = Zkml.Start(args);
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "zkml bench did not finish in 3 minutes");
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void Each_case_runs_in_its_own_process_and_splits_the_proof_into_body_and_statement()
    {
        var (exit, output, err) = RunZkml("bench", "--case", "credit_logreg@8", "--case", "digits_mlp@1", "--runs", "1", "--json", "--models", ModelsDir);
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["credit_logreg", "digits_mlp"], results.Select(r => r.GetProperty("Model").GetString()));
        foreach (var r in results)
        {
            Assert.True(r.GetProperty("Accepted").GetBoolean());
            Assert.True(r.GetProperty("PerProcess").GetBoolean());
            int total = r.GetProperty("ProofBytes").GetInt32(), body = r.GetProperty("ProofBodyBytes").GetInt32(), statement = r.GetProperty("StatementBytes").GetInt32();
            Assert.Equal(total, body + statement);
            Assert.True(body > 0 && statement > 0);
            double peak = r.GetProperty("PeakMemoryMb").GetDouble(), casePeak = r.GetProperty("CasePeakMemoryMb").GetDouble();
            Assert.True(peak > 0 && casePeak >= peak, $"peak {peak}, case peak {casePeak}");
        }
        // The statement grows with the batch (8 public input rows vs 1): it is not counted as proof.
        Assert.True(results[0].GetProperty("StatementBytes").GetInt32() > 8 * 8);
    }

    [Fact]
    public void A_malformed_or_missing_case_is_one_line_and_a_non_zero_exit()
    {
        var (exit, _, err) = RunZkml("bench", "--case", "credit_logreg", "--runs", "1", "--models", ModelsDir);
        Assert.NotEqual(0, exit);
        Assert.Contains("expected model@batch", err);
        var (exit2, _, err2) = RunZkml("bench", "--case", "no_such_model@1", "--runs", "1", "--json", "--models", ModelsDir);
        Assert.NotEqual(0, exit2);
        Assert.Single(err2.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("no_such_model"));
    }
}
