using System.Globalization;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>
/// <c>score-inputs [--dir D] [--rows N] [--images M]</c>: writes the inputs of the peak-memory measurement of <c>np score</c>
/// (docs/BENCHMARKS.md) into D (default /tmp/np-score-inputs), never into the repository: a CSV of N rows (default 1,000,000)
/// × 30 features + label with an MLP 30-64-2 for it (<c>mlp30.onnx</c>), and a folder of M (default 100,000) 28×28 grey PNG
/// digits in one sub-folder per class (the shipped MNIST test digits repeated) with LeNet-5 for it (<c>lenet5.onnx</c>).
/// </summary>
public static class ScoreInputs
{
    public static int Run(string[] args, TextWriter output)
    {
        string Arg(string name, string fallback) { int at = Array.IndexOf(args, name); return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback; }
        string dir = Arg("--dir", "/tmp/np-score-inputs");
        int rows = int.Parse(Arg("--rows", "1000000"), CultureInfo.InvariantCulture);
        int images = int.Parse(Arg("--images", "100000"), CultureInfo.InvariantCulture);
        Directory.CreateDirectory(dir);

        File.WriteAllBytes(Path.Combine(dir, "mlp30.onnx"), OnnxExporter.ExportBytes(
            Mlp.Build(new MlpOptions([30, 64, 2], "relu", Initializer.He, Cost: CostKind.LogLikelihood, Seed: 7)),
            new ModelCard { Architecture = "mlp", InputShape = [30], ClassLabels = ["no", "yes"], Seed = 7 }));
        File.WriteAllBytes(Path.Combine(dir, "lenet5.onnx"), OnnxExporter.ExportBytes(new LeNet5().Build(new ZooOptions(1, 28, 28, 10, 7)),
            new ModelCard { Architecture = "lenet5", InputShape = [1, 28, 28], ClassLabels = [.. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture))], Seed = 7 }));

        var csv = Path.Combine(dir, $"table-{rows}.csv");
        output.WriteLine($"writing {csv}");
        var rng = new Random(7);
        AtomicFile.Write(csv, stream =>
        {
            using var w = new StreamWriter(stream, leaveOpen: true);
            w.Write(string.Join(',', Enumerable.Range(0, 30).Select(i => $"f{i}")) + ",label\n");
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < 30; c++) { w.Write((rng.NextDouble() * 4 - 2).ToString("0.#####", CultureInfo.InvariantCulture)); w.Write(','); }
                w.Write(rng.Next(2));
                w.Write('\n');
            }
        });

        var folder = Path.Combine(dir, $"digits-{images}");
        output.WriteLine($"writing {images:N0} PNGs under {folder}");
        var mnist = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test;
        var encoded = Enumerable.Range(0, mnist.Count).Select(i => ImageWriter.GreyPng(mnist.Image(i), 28, 28)).ToArray();
        for (int k = 0; k < 10; k++) Directory.CreateDirectory(Path.Combine(folder, k.ToString(CultureInfo.InvariantCulture)));
        for (int i = 0; i < images; i++)
        {
            int m = i % mnist.Count;
            File.WriteAllBytes(Path.Combine(folder, mnist.Labels[m].ToString(CultureInfo.InvariantCulture), $"{i:D6}.png"), encoded[m]);
        }
        output.WriteLine("done");
        return 0;
    }
}
