using System.Diagnostics;
using System.Text.Json;

namespace NeuralPipelines.Cli.Tests;

/// <summary>The one way the tests run <c>np</c>: in-process through <c>Program.Run</c> (or, for the fresh-process checks, as a
/// child <c>dotnet np.dll</c>). It lives here, not in Tests/Shared, because this is the one test project that references np.</summary>
internal static class ClassicCli
{
    public static (int Code, string Out, string Err) Np(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static JsonElement Json(params string[] args)
    {
        var (code, stdout, stderr) = Np([.. args, "--json"]);
        Assert.True(code == 0, $"np {string.Join(' ', args)} exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }

    /// <summary>Asserts the failure contract: non-zero exit, nothing on stdout, exactly one line on stderr naming the command and the given words.</summary>
    public static string AssertFailsWithOneLine(string command, string[] args, params string[] mustContain)
    {
        var (code, stdout, stderr) = Np(args);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{stderr}");
        Assert.StartsWith($"np {command}: error: ", lines[0]);
        foreach (var word in mustContain) Assert.Contains(word, lines[0]);
        return lines[0];
    }

    /// <summary>Runs np in-process and throws with its stderr unless it exits 0 (for fixtures that only need its files).</summary>
    public static string Succeeds(params string[] args)
    {
        var (code, stdout, stderr) = Np(args);
        if (code != 0) throw new InvalidOperationException($"np {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Starts <c>dotnet np.dll ARGS</c> with stdout and stderr redirected; the caller waits for it (or signals it).</summary>
    public static Process StartInNewProcess(params string[] args) => StartInNewProcess(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="StartInNewProcess(string[])"/>, with environment variables set for the child.</summary>
    public static Process StartInNewProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "np.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Runs <c>dotnet np.dll ARGS</c> in a new process: nothing loaded in this one can help it.</summary>
    public static (int Code, string Out, string Err) FreshProcess(params string[] args) => FreshProcess(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="FreshProcess(string[])"/>, with environment variables set for the child.</summary>
    public static (int Code, string Out, string Err) FreshProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = StartInNewProcess(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException("np did not finish within 2 minutes."); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
