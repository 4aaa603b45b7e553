using System.CommandLine;
using Google.Protobuf;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np export</c>: a trained checkpoint to an ONNX model, checked against ONNX Runtime before it is written.</summary>
public sealed class ExportCommand : ICliCommand
{
    public string Name => "export";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Checkpoint written by np train.", Required = true };
        var output = new Option<string?>("--out") { Description = "ONNX file to write (replaced atomically; nothing is written if the export fails its check). Give --out, --triton or both." };
        var triton = new Option<string?>("--triton") { Description = "Also write a Triton Inference Server model repository here: DIR/NAME/1/model.onnx and DIR/NAME/config.pbtxt (onnxruntime_onnx, dynamic batching)." };
        var tritonName = new Option<string?>("--triton-name") { Description = "The model's name (folder) in the Triton repository; default: its architecture." };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Triton's max_batch_size: the largest batch Triton sends the model (at least 1).", DefaultValueFactory = _ => TritonModelConfig.DefaultMaxBatchSize };
        var seed = new Option<int>("--parity-seed") { Description = "Seed of the random batch used to compare our forward pass with ONNX Runtime.", DefaultValueFactory = _ => 1 };
        var mlnet = new Option<string?>("--mlnet") { Description = "Also write an ML.NET model zip (mlContext.Model.Load, PredictionEngine) that scores the same ONNX model." };
        var featureColumn = new Option<string>("--feature-column") { Description = "Input column of the ML.NET zip: a vector of C·H·W floats.", DefaultValueFactory = _ => "Features" };
        var weights = GeneratorFile.WeightsOption();
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("export",
            $"Export a trained checkpoint to ONNX (opset {OnnxFormat.Opset}): input 'input' [batch, C, H, W] of raw pixels (normalisation is in the graph), " +
            "outputs 'scores', 'probabilities' and 'predicted_class', weights as initializers, and metadata (architecture, input shape, " +
            "normalisation, class labels, metrics, seed, version). Before writing, ONNX Runtime runs the model on a random batch and its " +
            "answer must match the trainer's forward pass to 1e-4. A generator exports its sampler (noise → pixels), through the " +
            "moving average of its weights when the checkpoint keeps one (--generator raw for the trained weights).");
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(mlnet);
        command.Options.Add(featureColumn);
        command.Options.Add(triton);
        command.Options.Add(tritonName);
        command.Options.Add(maxBatch);
        command.Options.Add(weights);
        command.Options.Add(force);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            string source = parse.GetValue(model)!;
            string? target = parse.GetValue(output), zip = parse.GetValue(mlnet), repository = parse.GetValue(triton);
            if (target is null && repository is null) throw new ArgumentException("give --out FILE.onnx, --triton DIR, or both.");
            if (repository is not null && File.Exists(repository)) throw new ArgumentException($"--triton {repository}: a file, not a folder; give the repository's folder.");
            if (repository is not null) TritonModelConfig.CheckMaxBatchSize(parse.GetValue(maxBatch));
            using var outputs = Outputs.Check(parse.GetValue(force), asJson, [("--model", source)], new("--out", target, OutputContent.Onnx), new("--mlnet", zip, OutputContent.MlNetZip));
            var (network, card) = Exportable(source, GeneratorFile.Weights(parse.GetValue(weights)));
            var name = parse.GetValue(tritonName) ?? card.Architecture;
            if (repository is not null)
            {
                try { TritonRepository.CheckName(name); }
                catch (ArgumentException e) { throw new ArgumentException($"--triton-name: {e.Message}{(parse.GetValue(tritonName) is null ? " (the default is the architecture; give --triton-name)" : "")}", e); }
            }
            // The entry's files are known once the name is (it may come from the checkpoint); checked like --out before the
            // export's work, where an existing entry's files are (a new entry's folders hold nothing to lose).
            using var entry = repository is null ? null : Outputs.Check(parse.GetValue(force), asJson, [("--model", source)], TritonOutputs(repository, name));
            var onnx = OnnxExporter.Export(network, card);
            var bytes = onnx.ToByteArray();
            var parity = ExportParity.Check(network, card, bytes, batch: 3, seed: parse.GetValue(seed));
            if (!parity.Passed)
                throw new InvalidOperationException(
                    $"{source}: ONNX Runtime's answer differs from the trainer's by {parity.MaxError:g3} (tolerance {ParityReport.Tolerance:g}); nothing was written.");
            if (zip is not null && (card.Colorizer is not null || card.Generator is not null))
                throw new ArgumentException($"--mlnet: {source} is a {(card.Colorizer is not null ? "colorizer" : "generator")}; the ML.NET zip scores classifiers only (its output columns are class scores). Export without --mlnet.");
            // Both files are staged, then renamed together: they appear together or not at all.
            void Stage(OutputTransaction files)
            {
                if (zip is not null) files.Add(zip, s => OnnxModelZip.Save(bytes, card, parse.GetValue(featureColumn)!, s));
                if (target is not null) files.Add(target, s => s.Write(bytes));
            }
            TritonModelConfig? config = null;
            if (repository is not null) config = TritonRepository.Write(repository, name, bytes, parse.GetValue(maxBatch), Stage);
            else
            {
                using var files = new OutputTransaction();
                Stage(files);
                files.Commit();
            }

            var console = context.Console(asJson);
            if (config is not null)
                console.MarkupLineInterpolated(
                    $"Triton model repository → {Path.Combine(repository!, name)} ({TritonRepository.Version}/{TritonRepository.ModelFileName}, {TritonRepository.ConfigFileName}: max_batch_size {config.MaxBatchSize}, dynamic batching)");
            console.MarkupLineInterpolated(
                $"[bold]{card.Architecture}[/] → {target ?? Path.Combine(repository!, name, TritonRepository.Version, TritonRepository.ModelFileName)} ({bytes.Length:N0} bytes, opset {OnnxFormat.Opset}, {onnx.Graph.Node.Count} nodes, {onnx.Graph.Initializer.Count} initializers)");
            if (zip is not null) console.MarkupLineInterpolated($"ML.NET model zip → {zip} (input column {parse.GetValue(featureColumn)}, outputs Score and PredictedLabel)");
            console.MarkupLineInterpolated(
                $"input {ModelCard.InputName} [[batch, {string.Join(", ", card.InputShape)}]]; outputs {string.Join(", ", onnx.Graph.Output.Select(o => o.Name))}; parity on a batch of {parity.Batch}: max |Δ| {parity.MaxAbsoluteError:g3}");
            if (asJson)
                context.WriteJson(new
                {
                    Model = source,
                    Out = target,
                    Bytes = bytes.Length,
                    Architecture = card.Architecture,
                    Generator = card.Training?.GetValueOrDefault(ModelCard.GeneratorWeightsKey),
                    Opset = OnnxFormat.Opset,
                    InputName = ModelCard.InputName,
                    InputShape = card.InputShape,
                    Outputs = onnx.Graph.Output.Select(o => o.Name).ToArray(),
                    Nodes = onnx.Graph.Node.Count,
                    Initializers = onnx.Graph.Initializer.Count,
                    Mlnet = zip,
                    Triton = config is null ? null : Path.Combine(repository!, name),
                    TritonConfig = config?.ToText(),
                    ParityBatch = parity.Batch,
                    ParityMaxError = parity.MaxError,
                    ParityMaxAbsoluteError = parity.MaxAbsoluteError,
                    Metadata = onnx.MetadataProps.ToDictionary(p => p.Key, p => p.Value),
                });
            return 0;
        });
        return command;
    }

    /// <summary>The network to export and its card: a classifier as trained, or a generator's sampler (noise → pixels).</summary>
    private static OutputOption[] TritonOutputs(string repository, string name)
    {
        var (model, config) = TritonRepository.Files(repository, name);
        return [.. new[] { new OutputOption("--triton", model, OutputContent.Onnx), new OutputOption("--triton", config, OutputContent.TritonConfig) }
            .Where(o => Directory.Exists(Path.GetDirectoryName(o.Path)))];
    }

    private static (Layer Network, ModelCard Card) Exportable(string path, Models.Generative.GeneratorWeights? weights)
    {
        var content = CheckpointFile.Load(path);
        if (weights is not null && !GenerativeCheckpoint.IsGenerative(content.Kind))
            throw new ArgumentException($"--generator: {path} holds a {content.Kind} model, not a generator.");
        if (content.Kind == ColorizerCheckpoint.Kind) return NeuralPipelines.Onnx.Scoring.OnnxColorizer.Exportable(ColorizerCheckpoint.FromContent(path, content));
        if (GenerativeCheckpoint.IsGenerative(content.Kind))
        {
            var generator = GenerativeCheckpoint.FromContent(path, content).Model;
            var chosen = GeneratorFile.Choose(path, generator, weights);
            return (generator.Sampler(chosen), ModelCard.FromGenerator(generator, weights: chosen));
        }
        var (model, state) = ClassifierCheckpoint.FromContent(path, content);
        return (model.Network, ModelCard.FromModel(model, state));
    }
}
