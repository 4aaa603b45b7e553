using System.Diagnostics;

namespace NeuralPipelines.Packages.Tests.Support;

/// <summary>Runs the dotnet command line (or another program) in a child process and returns its exit code and output.</summary>
/// <remarks>Output goes to a file, not a pipe: a build leaves compiler servers behind that would hold a pipe open and
/// hang the read. MSBuild nodes are not kept (nodeReuse off), so nothing of MSBuild outlives the command.</remarks>
public static class Dotnet
{
    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args) =>
        RunProgram(workingDirectory, "dotnet", timeout, environment, args);

    /// <summary>Runs any program the same way (an installed tool's launcher, for one).</summary>
    public static (int ExitCode, string Output) RunProgram(string workingDirectory, string program, TimeSpan timeout, params string[] args) =>
        RunProgram(workingDirectory, program, timeout, new Dictionary<string, string?>(), args);

    private static (int ExitCode, string Output) RunProgram(string workingDirectory, string program, TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var log = Path.Combine(workingDirectory, $"run-{Guid.NewGuid():N}.log");
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$NP_DOTNET_LOG\" 2>&1");
        psi.ArgumentList.Add(program);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host's own MSBuild and test-platform settings must not leak into a fresh build or test run.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || key == "NP_DATA_DIR")
                psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["NP_DOTNET_LOG"] = log;
        foreach (var (key, value) in environment)
            if (value is null) psi.Environment.Remove(key); else psi.Environment[key] = value;

        using var p = Process.Start(psi)!;
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, $"timed out after {timeout.TotalSeconds:F0} s: {program} {string.Join(' ', args)}\n{ReadLog(log)}");
        }
        return (p.ExitCode, ReadLog(log));
    }

    private static string ReadLog(string log) => File.Exists(log) ? File.ReadAllText(log) : "";
}
