using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml commit &lt;dir&gt;</c> (after <c>zkml compile</c>): writes the public model commitment
/// <c>&lt;dir&gt;/model.commitment</c> and the model owner's secret <c>&lt;dir&gt;/model.key</c>
/// (atomically; existing files are kept unless <c>--force</c>).
/// </summary>
public static class CommitCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "folder written by 'zkml compile' (circuit.json, weights.bin)" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing model.commitment / model.key" };
        var json = new Option<bool>("--json") { Description = "print a JSON view of the commitment" };
        var cmd = new Command("commit", "Commit to the model's weights: model.commitment (public) and model.key (secret)") { dir, force, json };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(dir)!, pr.GetValue(force), pr.GetValue(json))));
        return cmd;
    }

    static int Run(DirectoryInfo dir, bool force, bool json)
    {
        var files = new ModelFiles(dir.FullName);
        var circuit = ModelFiles.LoadCircuit(files.CircuitPath);
        var weights = WeightSet.Read(files.WeightsPath, circuit);
        foreach (var p in new[] { files.CommitmentPath, files.KeyPath })
            if (File.Exists(p) && !force) throw new ProvingException($"{p} exists; pass --force to replace it (a new commitment invalidates every proof made against the old one)");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (commitment, key) = ModelCommitter.Commit(circuit, weights);
        AtomicFile.WriteAllBytes(files.KeyPath, key.ToBytes());
        AtomicFile.WriteAllBytes(files.CommitmentPath, commitment.Bytes);
        sw.Stop();
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                commitment = files.CommitmentPath, key = files.KeyPath, circuitDigest = commitment.CircuitDigest,
                commitmentDigest = commitment.DigestHex, bytes = commitment.Bytes.Length, milliseconds = sw.ElapsedMilliseconds,
                tensors = commitment.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new
                {
                    name = t.Key, numVars = t.Value.Shape.NumVars, rows = t.Value.Shape.Rows,
                    rowCommitments = t.Value.Rows.ToArray().Select(r => r.ToString()).ToArray(),
                }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(circuit.Name)}[/]: committed {commitment.Tensors.Count} weight tensors in {sw.ElapsedMilliseconds} ms");
        AnsiConsole.MarkupLine($"circuit digest     {commitment.CircuitDigest}");
        AnsiConsole.MarkupLine($"commitment digest  {commitment.DigestHex}");
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(files.CommitmentPath)} ({commitment.Bytes.Length} bytes, public: publish it)");
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(files.KeyPath)} (secret: keep it with the weights)");
        return 0;
    }
}
