using System.Diagnostics;
using Spectre.Console;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Tests that redirect the process-wide <see cref="Console"/> run in this collection, one at a time
/// and never beside another collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "zkml CLI (console redirected)";
}

/// <summary>What one <c>zkml</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string[] OutLines => Lines(Out);
    public string[] ErrLines => Lines(Err);
    static string[] Lines(string s) => s.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <c>zkml</c> in process (<see cref="Cli.Program.Main"/> with Console and Spectre's
/// AnsiConsole redirected to buffers) or as a child process (the <c>zkml</c> apphost copied next to
/// the test assembly).</summary>
public static class Zkml
{
    static readonly object Gate = new();

    /// <summary>In-process run; callers must be in <see cref="CliCollection"/>.</summary>
    public static CliResult Run(params string[] args)
    {
        lock (Gate)
        {
            var oldOut = Console.Out;
            var oldErr = Console.Error;
            var oldAnsi = AnsiConsole.Console;
            var o = new StringWriter();
            var e = new StringWriter();
            Console.SetOut(o);
            Console.SetError(e);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(o), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            try
            {
                int code = Cli.Program.Main(args);
                return new CliResult(code, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
                AnsiConsole.Console = oldAnsi;
            }
        }
    }

    /// <summary>The zkml apphost built next to this test assembly (the Cli project is referenced).</summary>
    public static string AppHost => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "zkml.exe" : "zkml");

    /// <summary>Starts <c>zkml</c> as a child process with redirected stdout/stderr.</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(AppHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start zkml");
    }
}

/// <summary>A fresh temporary folder, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zkml-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    public string this[string name] => System.IO.Path.Combine(Path, name);
    /// <summary>File names (not paths) directly in <paramref name="sub"/> (default: the folder itself), sorted.</summary>
    public string[] Files(string? sub = null) =>
        Directory.GetFiles(sub is null ? Path : System.IO.Path.Combine(Path, sub)).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Writes a model folder (circuit.json, weights.bin, model.commitment, model.key) from a
/// compiled repository model without going through the CLI (used where the CLI is the subject of
/// the test only for a later step).</summary>
public static class ModelFolder
{
    public static void Write(string dir, Models.Compiled m)
    {
        Directory.CreateDirectory(dir);
        var files = new Proving.ModelFiles(dir);
        File.WriteAllText(files.CircuitPath, m.Model.Circuit.ToJson() + "\n");
        File.WriteAllBytes(files.WeightsPath, m.Model.Weights.ToBytes(m.Model.Circuit));
        File.WriteAllBytes(files.CommitmentPath, m.Commitment.Bytes);
        File.WriteAllBytes(files.KeyPath, m.Key.ToBytes());
    }

    /// <summary>A CSV with a header x1..xn and <paramref name="rows"/> rows cycled from the model's input.json.</summary>
    public static void WriteCsv(string path, Models.Compiled m, int rows)
    {
        int n = m.Inputs.Rows[0].Length;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Join(",", Enumerable.Range(1, n).Select(i => "x" + i)));
        for (int r = 0; r < rows; r++)
            sb.AppendLine(string.Join(",", m.Inputs.Rows[r % m.Inputs.Count].Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        File.WriteAllText(path, sb.ToString());
    }
}
