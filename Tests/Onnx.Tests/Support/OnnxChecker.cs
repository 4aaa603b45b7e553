using System.Diagnostics;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>The official ONNX checker (Debian's python3-onnx) run with full_check, i.e. with shape inference.</summary>
public static class OnnxChecker
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindProblem);

    /// <summary>Why the checker cannot run here, or null when it can.</summary>
    public static string? Unavailable => Missing.Value;

    /// <summary>Runs the checker on a file; returns its verdict when it rejects the model, null when it accepts it.</summary>
    public static string? Check(string path) => CheckAll([path])[path];

    /// <summary>Checks many files in one Python process (importing onnx takes about a second).</summary>
    public static IReadOnlyDictionary<string, string?> CheckAll(IReadOnlyList<string> paths)
    {
        const string script = """
            import onnx, sys
            for path in sys.argv[1:]:
                try:
                    onnx.checker.check_model(onnx.load(path), full_check=True)
                    print("OK\t" + path)
                except Exception as e:
                    print("FAIL\t" + path + "\t" + " ".join(str(e).split()))
            """;
        var (code, output) = RunPython(script, [.. paths]);
        var verdicts = paths.ToDictionary(p => p, p => (string?)$"the checker gave no verdict (exit {code}): {output}");
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split('\t');
            if (parts.Length >= 2 && verdicts.ContainsKey(parts[1])) verdicts[parts[1]] = parts[0] == "OK" ? null : string.Join(' ', parts[2..]);
        }
        return verdicts;
    }

    private static string? FindProblem()
    {
        if (!File.Exists(Python)) return $"{Python} does not exist";
        var (code, output) = RunPython("import onnx; print(onnx.__version__)");
        return code == 0 ? null : $"{Python} cannot import onnx (install python3-onnx): {output.Trim().Split('\n').Last()}";
    }

    private static (int, string) RunPython(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}

/// <summary>A test that needs the official ONNX checker: reported skipped, with the reason, where python3-onnx is absent.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    public OnnxCheckerFactAttribute()
    {
        if (OnnxChecker.Unavailable is { } why) Skip = $"The ONNX checker is unavailable: {why}.";
    }
}
