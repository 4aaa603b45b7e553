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
        Run(zip, input, output, column);
        return File.ReadAllLines(output)
            .Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    /// <summary>The slot names a fresh process finds on the loaded zip's output <paramref name="column"/> (empty: none).</summary>
    public static string[] SlotNames(string zip, string folder, string column = "Score")
    {
        var output = Path.Combine(folder, "slot-names.txt");
        Run(zip, "--slot-names", output, column);
        return File.ReadAllLines(output);
    }

    /// <summary>Loads image files into the model's image column <paramref name="inputColumn"/> in a new process; returns
    /// each output image as "WIDTH HEIGHT FORMAT" and its pixel bytes, as ML.NET's MLImage holds them there.</summary>
    public static (string Header, byte[] Pixels)[] ScoreImages(string zip, IEnumerable<string> imageFiles, string folder, string column, string inputColumn)
    {
        var input = Path.Combine(folder, "images.txt");
        var output = Path.Combine(folder, "pixels.txt");
        File.WriteAllLines(input, imageFiles);
        Run(zip, input, output, column, inputColumn);
        return File.ReadAllLines(output).Select(l =>
        {
            var parts = l.Split(' ');
            return (string.Join(' ', parts[..3]), parts[3..].Select(v => byte.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        }).ToArray();
    }

    private static void Run(string zip, string input, string output, string column, string? inputColumn = null)
    {
        Assert.True(File.Exists(Dll), $"{Dll} was not built");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Dll, zip, input, output, column, inputColumn }.OfType<string>()) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"MlNetProbe exited with {p.ExitCode}: {stderr}{stdout.Result}");
    }
}
