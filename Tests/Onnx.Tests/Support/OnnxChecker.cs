using System.Diagnostics;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>The official ONNX checker (Debian's python3-onnx) run with full_check, i.e. with shape inference.</summary>
public static class OnnxChecker
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindProblem);

    /// <summary>Why the checker cannot run here, or null when it can.</summary>
    public static string? Unavailable => Missing.Value;

    /// <summary>Runs the checker on a file; returns its stderr when it rejects the model, null when it accepts it.</summary>
    public static string? Check(string path)
    {
        var (code, output) = RunPython(
            "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print('ok', m.opset_import[0].version)", path);
        return code == 0 ? null : output;
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
