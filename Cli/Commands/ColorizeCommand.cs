using System.CommandLine;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Onnx.Scoring;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np colorize</c>: colorizes photos of any size with a trained colorizer (its ONNX export through ONNX Runtime,
/// or its checkpoint). Each photo's chroma is predicted at the model's size, resized to the photo and combined with the
/// photo's own lightness; the result is written as NAME.png in the output folder.</summary>
public sealed class ColorizeCommand : ICliCommand
{
    public string Name => "colorize";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A colorizer: its ONNX export (np export) or the checkpoint of np train colorize.", Required = true };
        var input = new Option<string>("--input") { Description = "A photo (PNG, JPEG, BMP) or a folder of photos; colour photos are read for their lightness only, upright as their EXIF orientation says; a transparent PNG keeps its transparency.", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "Folder for the colorized photos (NAME.png each, written whole or not at all; created if missing, and removed again " +
                          "if the run made it and wrote nothing). Two photos of one name (a.png, a.jpg) are refused before any work: give them different names.",
            Required = true,
        };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse photos larger than this many pixels.", DefaultValueFactory = _ => ImageFile.DefaultMaxPixels };
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("colorize", "Colorize photos with a trained pix2pix colorizer: L in, a and b predicted, at the photo's own resolution.\n" +
            "A file that cannot be read gets one line and is skipped; the exit code is 1 when any photo failed.");
        foreach (var o in new Option[] { model, input, output, maxPixels, force, json }) command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            string source = parse.GetValue(input)!, target = parse.GetValue(output)!;
            long pixelLimit = parse.GetValue(maxPixels);
            if (pixelLimit <= 0) throw new ArgumentException($"--max-pixels must be positive, got {pixelLimit}.");
            if (File.Exists(target)) throw new ArgumentException($"{target}: a file, not a folder; --out takes a folder.");
            IReadOnlyList<string> files = Directory.Exists(source) ? ImageFolder.Files(source)
                : File.Exists(source) ? [source] : throw new FileNotFoundException($"{source}: no such photo or folder.", source);
            string Destination(string file) => Path.Combine(target, Path.GetFileNameWithoutExtension(file) + ".png");
            // a.png and a.bmp would both become NAME.png: the second would replace the first's result.
            var comparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            if (files.GroupBy(Destination, comparer).FirstOrDefault(g => g.Count() > 1) is { } clash)
                throw new ArgumentException(
                    $"--input {source}: {clash.ElementAt(0)} and {clash.ElementAt(1)} would both be written as {clash.Key}; give them different names. Nothing was done.");
            // A photo colorized into its own folder would replace itself: refused, with every other clash, before any work.
            using var outputs = Directory.Exists(target)
                ? Outputs.Check(parse.GetValue(force), asJson, files.Select(f => ("--input", (string?)f)).Append(("--model", parse.GetValue(model))),
                    [.. files.Select(f => new OutputOption("--out", Destination(f), OutputContent.Png)), new OutputOption("--out", target, OutputContent.Folder)])
                : Outputs.Check(parse.GetValue(force), asJson, [], new OutputOption("--out", target, OutputContent.Folder));
            var (colorizer, scorer) = OnnxColorizer.Open(parse.GetValue(model)!);
            using var _ = scorer;
            var console = context.Console(asJson);
            if (scorer is not null)
                console.MarkupLineInterpolated($"colorizer {colorizer.Size}×{colorizer.Size} on {scorer.ExecutionProvider}{(scorer.FallbackReason is { } why ? $" ({why})" : "")}");
            var folder = Outputs.CreateFolder("--out", target);
            var written = new List<string>();
            var failed = new List<object>();
            void ColorizeAll(Action<string, double>? show)
            {
                for (int i = 0; i < files.Count; i++)
                {
                    string file = files[i];
                    string dest = Destination(file);
                    try
                    {
                        var photo = ImageFile.Read(file, pixelLimit);
                        var result = colorizer.Colorize(photo);
                        ImageWriter.WritePng(dest, result);
                        written.Add(dest);
                        if (show is null) console.MarkupLineInterpolated($"[[{i + 1}/{files.Count}]] {file} → {dest} ({photo.Width}×{photo.Height})");
                    }
                    catch (Exception e) when (e is InvalidDataException or IOException)
                    {
                        failed.Add(new { File = file, Error = e.Message });
                        context.Error.WriteLine($"np colorize: {e.Message}");
                    }
                    show?.Invoke($"{i + 1}/{files.Count} {Path.GetFileName(file)}", (i + 1.0) / files.Count);
                }
            }
            try
            {
                // A bar over a folder on a terminal; one line per photo otherwise (logs, --json, a single photo).
                if (files.Count > 1 && console.Profile.Capabilities.Interactive && !asJson)
                    Training.ProgressBar.Show(console, show => { ColorizeAll(show); return 0; });
                else ColorizeAll(null);
            }
            finally
            {
                // A run that wrote nothing leaves no empty folder of its own making.
                if (written.Count == 0) folder.RemoveIfEmpty();
            }
            console.MarkupLineInterpolated($"colorized {written.Count} of {files.Count} photos into {target}");
            if (asJson) context.WriteJson(new { Model = parse.GetValue(model), Size = colorizer.Size, Written = written, Failed = failed });
            return failed.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
