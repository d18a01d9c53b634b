using System.CommandLine;
using ZkmlProver.Cli.Commands;

namespace ZkmlProver.Cli;

/// <summary>
/// Entry point of <c>zkml</c>. Exit codes: 0 success, 1 bad input (file, model, data, range),
/// 2 usage error (unknown command or option, missing argument).
/// </summary>
public static class Program
{
    /// <summary>Exit code for bad input.</summary>
    public const int BadInput = 1;
    /// <summary>Exit code for usage errors.</summary>
    public const int Usage = 2;

    /// <summary>Builds the command tree (one file per command under Commands/).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("zkml: compile ONNX models to integer circuits and prove inference in zero knowledge");
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(CompileCommand.Create());
        root.Subcommands.Add(CommitCommand.Create());
        root.Subcommands.Add(ProveCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ProveBatchCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(RegistryCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; parse errors go to stderr with exit code 2.</summary>
    public static int Main(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"zkml: {e.Message}");
            Console.Error.WriteLine("Run 'zkml --help' for usage.");
            return Usage;
        }
        return parse.Invoke();
    }
}
