using System.CommandLine;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Settings;
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
        var seed = new Option<int>("--seed") { Description = "Seed of the noise: the same seed draws the same noise, and so the same images, from the checkpoint and from its ONNX export (to within one level of 255 in a pixel: the two forward passes agree to about 1e-6, not to the bit).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out")
        {
            Description = "A .png file (all images in one grid) or a folder (one PNG per image, sample-0001.png …; an earlier run's sample files " +
                          "there are replaced, and those numbered above --count removed, only once every new image is written, so a failed or " +
                          "interrupted run leaves the old set; other files there are never touched). Another name with an extension (x.jpg) is refused unless it " +
                          "is an existing folder; end it with / for a new folder.",
            Required = true,
        };
        var sampling = new GeneratorSamplingOptions();
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("sample", "Draw images from a trained generator: noise of the model's kind (seeded) through the generator " +
            "(the moving average of its weights when the checkpoint keeps one; see --generator), pixels in [0, 1], written as PNG.");
        foreach (var o in new Option[] { model, count, seed, output }.Concat(sampling.All).Concat([force, json])) command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            string source = parse.GetValue(model)!, target = parse.GetValue(output)!;
            int n = parse.GetValue(count), s = parse.GetValue(seed);
            if (n <= 0) throw new ArgumentException($"--count must be positive, got {n}.");
            bool grid = target.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
            if (!grid && File.Exists(target)) throw new ArgumentException($"{target}: a file, not a folder; give a .png path for a grid or a folder for one PNG per image.");
            // x.jpg would become a folder of that name: a typo for a grid in another format, most likely.
            if (!grid && !Directory.Exists(target) && Path.HasExtension(target))
                throw new ArgumentException($"--out {target}: samples are written as PNG; give a .png file for one grid, or a folder for one PNG per image (end it with / for a new folder with a dot in its name).");
            string[] stale = grid ? [] : SampleFolder.Stale(target, n);
            var files = grid ? [new OutputOption("--out", target, OutputContent.Png)]
                : Enumerable.Range(1, n).Select(i => SampleFolder.FileFor(target, i)).Concat(stale).Select(f => new OutputOption("--out", f, OutputContent.Png)).ToArray();
            using var outputs = Outputs.Check(parse.GetValue(force), parse.GetValue(json), [("--model", source)],
                grid ? files : [.. Directory.Exists(target) ? files : [], new OutputOption("--out", target, OutputContent.Folder)]);
            var how = sampling.Read(parse);
            var (pixels, shape, kind, drew, rejected) = GeneratorFile.Draw(source, n, s, how);
            var written = new List<string>();
            if (grid)
            {
                ImageWriter.WriteGrid(target, pixels, n, shape[0], shape[1], shape[2]);
                written.Add(target);
            }
            else
            {
                var folder = Outputs.CreateFolder("--out", target);
                try { written.AddRange(SampleFolder.Write(target, pixels, n, shape[0], shape[1], shape[2])); }
                finally
                {
                    // A run that wrote nothing leaves no empty folder of its own making, as np colorize.
                    folder.RemoveIfEmpty();
                }
            }
            var console = context.Console(parse.GetValue(json));
            console.MarkupLineInterpolated($"{n} {kind} samples ({drew} generator, seed {s}{how.Describe(rejected)}, {shape[0]}×{shape[1]}×{shape[2]}) → {target}");
            if (parse.GetValue(json))
                context.WriteJson(new { Model = source, Kind = kind, Generator = drew, Count = n, Seed = s, how.Truncation, how.ComponentSd,
                    AverageStatistics = SettingNames.Name(how.Statistics), Rejection = GeneratorFile.RejectionJson(how.Rejection, rejected), ImageShape = shape, Out = target, Files = written.Count });
            return 0;
        });
        return command;
    }
}
