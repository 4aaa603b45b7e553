using System.CommandLine;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Onnx.Scoring;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np sample</c>: draws images from a trained generator (its checkpoint or its exported ONNX sampler).</summary>
public sealed class SampleCommand : ICliCommand
{
    public string Name => "sample";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A generator: the checkpoint of np train gan|gmmn|gmmn-ae, or its ONNX export (np export).", Required = true };
        var count = new Option<int>("--count") { Description = "How many images to draw.", DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise: the same seed draws the same images, from the checkpoint and from its ONNX export.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "A .png file (all images in one grid) or a folder (one PNG per image, sample-0001.png …).", Required = true };
        var json = CliContext.JsonOption();
        var command = new Command("sample", "Draw images from a trained generator: noise of the model's kind (seeded) through the generator, pixels in [0, 1], written as PNG.");
        foreach (var o in new Option[] { model, count, seed, output, json }) command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            string source = parse.GetValue(model)!, target = parse.GetValue(output)!;
            int n = parse.GetValue(count), s = parse.GetValue(seed);
            if (n <= 0) throw new ArgumentException($"--count must be positive, got {n}.");
            bool grid = target.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
            if (!grid && File.Exists(target)) throw new ArgumentException($"{target}: a file, not a folder; give a .png path for a grid or a folder for one PNG per image.");
            var (pixels, shape, kind) = Draw(source, n, s);
            var written = new List<string>();
            if (grid)
            {
                ImageWriter.WriteGrid(target, pixels, n, shape[0], shape[1], shape[2]);
                written.Add(target);
            }
            else
            {
                Directory.CreateDirectory(target);
                int per = shape.Aggregate(1, (a, b) => a * b);
                for (int i = 0; i < n; i++)
                {
                    string file = Path.Combine(target, $"sample-{i + 1:D4}.png");
                    ImageWriter.WritePng(file, pixels.AsSpan(i * per, per), shape[0], shape[1], shape[2]);
                    written.Add(file);
                }
            }
            var console = context.Console(parse.GetValue(json));
            console.MarkupLineInterpolated($"{n} {kind} samples (seed {s}, {shape[0]}×{shape[1]}×{shape[2]}) → {target}");
            if (parse.GetValue(json))
                context.WriteJson(new { Model = source, Kind = kind, Count = n, Seed = s, ImageShape = shape, Out = target, Files = written.Count });
            return 0;
        });
        return command;
    }

    /// <summary>The images as pixels in [0, 1], their shape and the model's kind; the same noise whichever file is given.</summary>
    private static (float[] Pixels, int[] Shape, string Kind) Draw(string path, int count, int seed)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        var head = new byte[8];
        using (var f = File.OpenRead(path)) f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (CheckpointFile.StartsWithMagic(head))
        {
            var content = CheckpointFile.Load(path);
            if (!GenerativeCheckpoint.IsGenerative(content.Kind))
                throw new ArgumentException($"{path} holds a {content.Kind} model, not a generator: np sample draws from gan, gmmn and gmmn-ae checkpoints or their ONNX exports.");
            var m = GenerativeCheckpoint.FromContent(path, content).Model;
            return (m.Sample(count, seed).Span.ToArray(), m.ImageShape, m.Name);
        }
        using var scorer = OnnxScorer.Load(path, new OnnxScorerOptions { Log = _ => { } });
        var card = scorer.Card?.Generator
            ?? throw new ArgumentException($"{path}: not a generator (its ONNX metadata has no 'generator' entry describing the noise it reads); np sample needs a sampler exported by np export from a gan, gmmn or gmmn-ae checkpoint.");
        if (scorer.InputShape is not [var size] || size != card.NoiseSize)
            throw new ArgumentException($"{path}: its input has shape [batch, {string.Join(", ", scorer.InputShape)}] but a noise vector of {card.NoiseSize} values was expected.");
        var z = NoiseSampler.For(card.Noise, card.NoiseSize, count, seed);
        return (scorer.Score(z.Span, count), card.ImageShape, Models.Settings.SettingNames.Name(card.Kind));
    }
}
