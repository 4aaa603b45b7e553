using System.Diagnostics;
using System.Globalization;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>Runs Tests/Onnx.Tests/MlNetProbe (a plain ML.NET app) in a fresh process on a saved model zip.</summary>
public static class MlNetProbe
{
    public static string Dll
    {
        get
        {
            // bin/<Configuration>/<tfm>/ of this test project → MlNetProbe/bin/<Configuration>/<tfm>/MlNetProbe.dll
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = output.Name;
            var configuration = output.Parent!.Name;
            var project = output.Parent.Parent!.Parent!.FullName;
            return Path.Combine(project, "MlNetProbe", "bin", configuration, tfm, "MlNetProbe.dll");
        }
    }

    /// <summary>Scores rows in a new process; returns one float array per row.</summary>
    public static float[][] Score(string zip, float[] rows, string folder, string column = "Score")
    {
        var input = Path.Combine(folder, "rows.f32");
        var output = Path.Combine(folder, "scores.txt");
        var bytes = new byte[rows.Length * 4];
        Buffer.BlockCopy(rows, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(input, bytes);
        Assert.True(File.Exists(Dll), $"{Dll} was not built");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Dll, zip, input, output, column }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"MlNetProbe exited with {p.ExitCode}: {stderr}{stdout.Result}");
        return File.ReadAllLines(output)
            .Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }
}
