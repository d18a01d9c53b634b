using System.CommandLine;
using ZkmlProver.Onnx;

namespace ZkmlProver.Cli.Commands;

/// <summary><c>zkml inspect &lt;model.onnx&gt; [--json]</c>: ops, shapes, parameter count, whether the
/// model is supported and why not. Exit 0 when supported, 1 when not (or unreadable).</summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "ONNX model file (.onnx)" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var cmd = new Command("inspect", "Show a model's ops, shapes and parameter count, and whether zkml supports it") { model, json };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(model)!, pr.GetValue(json))));
        return cmd;
    }

    static int Run(FileInfo model, bool json)
    {
        var report = OnnxInspector.Inspect(model.ToString());
        Console.Out.Write(json ? report.ToJson() + Environment.NewLine : report.ToText());
        return report.Supported ? 0 : Program.BadInput;
    }
}
