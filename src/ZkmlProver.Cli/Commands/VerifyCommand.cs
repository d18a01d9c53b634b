using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml verify --circuit &lt;circuit.json&gt; --commitment &lt;model.commitment&gt; &lt;proof.zkp&gt;</c>:
/// exit 0 and the outputs when the proof is accepted; exit 1 and one line with the reason when it
/// is rejected; exit 2 for usage errors and unreadable or invalid circuit/commitment files. Needs no
/// weights and no ONNX model.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var proof = new Argument<FileInfo>("proof") { Description = "proof file (.zkp)" };
        var circuit = new Option<FileInfo>("--circuit") { Description = "circuit.json (public)", Required = true };
        var commitment = new Option<FileInfo>("--commitment") { Description = "model.commitment (public)", Required = true };
        var json = new Option<bool>("--json") { Description = "machine-readable result" };
        var cmd = new Command("verify", "Verify a proof against the circuit and the model commitment (no weights needed)") { proof, circuit, commitment, json };
        cmd.SetAction(pr => Run(pr.GetValue(proof)!, pr.GetValue(circuit)!, pr.GetValue(commitment)!, pr.GetValue(json)));
        return cmd;
    }

    static int Run(FileInfo proofFile, FileInfo circuitFile, FileInfo commitmentFile, bool json)
    {
        Circuit.Circuit circuit;
        ModelCommitment commitment;
        byte[] bytes;
        try
        {
            circuit = ModelFiles.LoadCircuit(circuitFile.FullName);
            commitment = ModelFiles.LoadCommitment(commitmentFile.FullName, circuit);
            bytes = File.ReadAllBytes(proofFile.FullName);
        }
        catch (Exception e) when (e is ProvingException or CircuitFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"zkml: error: {e.Message.ReplaceLineEndings(" ")}");
            return Program.Usage;
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = InferenceVerifier.Verify(circuit, commitment, bytes);
        sw.Stop();
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                accepted = result.Accepted, reason = result.Verdict.Reason, milliseconds = sw.ElapsedMilliseconds,
                batch = result.Proof?.Batch, privateInput = result.Proof?.PrivateInput,
                outputs = result.Proof?.Outputs.Select(o => new { name = o.Name, values = ProveCommand.Dequantize(circuit, o.Name, o.Values, result.Proof.Batch) }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return result.Accepted ? 0 : 1;
        }
        if (!result.Accepted)
        {
            Console.Out.WriteLine($"REJECTED: {result.Verdict.Reason}");
            return 1;
        }
        var p = result.Proof!;
        AnsiConsole.MarkupLine($"[green]ACCEPTED[/] in {sw.ElapsedMilliseconds} ms: the committed model {commitment.DigestHex[..16]}… produced these outputs for {p.Batch} row(s) ({(p.PrivateInput ? "committed" : "public")} inputs)");
        foreach (var (name, values) in p.Outputs)
            ProveCommand.PrintOutputs(name, ProveCommand.Dequantize(circuit, name, values, p.Batch), null);
        return 0;
    }
}
