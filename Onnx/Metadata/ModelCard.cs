using System.Globalization;
using System.Text.Json;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Onnx.Metadata;

/// <summary>What an exported model says about itself, stored as ONNX metadata_props: where it came from
/// (architecture, seed, project version), what it expects (input shape and normalisation) and what it answers (class labels),
/// and how well it did (training metrics).</summary>
public sealed record ModelCard
{
    public const string InputName = "input";
    public const string ScoresName = "scores";
    public const string ProbabilitiesName = "probabilities";
    public const string PredictedClassName = "predicted_class";

    /// <summary>The zoo name ("mlp", "lenet5"...) or a free description of a hand-built network.</summary>
    public required string Architecture { get; init; }

    /// <summary>The per-example input shape, batch axis excluded: [C, H, W] for images, [features] for vectors.</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Per-channel mean and standard deviation the trainer applied before the network; the exporter puts them
    /// in the graph, so the ONNX model takes raw values (pixels in [0, 1]) and the metadata records them.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>What turns the network's output into class scores: softmax (the output is logits), sigmoid or none
    /// (the network's own last layer already gives them), as decided by the cost it was trained with.</summary>
    public OutputActivation OutputActivation { get; init; } = OutputActivation.Softmax;

    /// <summary>The cost the network was trained with, when known.</summary>
    public CostKind? Cost { get; init; }

    /// <summary>Other facts about the training run (dataset, sizes), kept as text.</summary>
    public IReadOnlyDictionary<string, string>? Training { get; init; }

    public IReadOnlyList<string>? ClassLabels { get; init; }

    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    public int? Seed { get; init; }

    /// <summary>For an exported generator: the noise it reads and the images it draws; null for a classifier.</summary>
    public GeneratorCard? Generator { get; init; }

    /// <summary>For an exported colorizer: its size and how its tensors hold Lab; null for anything else.</summary>
    public ColorizerCard? Colorizer { get; init; }

    /// <summary>What the model reads and writes, in words, when it is not the exported network's ONNX interface
    /// (<see cref="InputName"/> in; <see cref="ScoresName"/>, <see cref="ProbabilitiesName"/>, <see cref="PredictedClassName"/>
    /// out): an ML.NET pipeline of ML.NET's own trainers reads named columns and writes its own. Null: the network's.</summary>
    public ModelInterface? Interface { get; init; }

    /// <summary>The NeuralPipelines version that produced the model (the assembly version by default).</summary>
    public string ProjectVersion { get; init; } = DefaultVersion;

    /// <summary>The layer spec of the network (JSON), filled in by the exporter.</summary>
    public string? Layers { get; init; }

    public static string DefaultVersion { get; } =
        typeof(ModelCard).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The card of a trained classifier: its architecture, input, normalisation, labels, cost, the seed and
    /// test metrics the trainer recorded in its metadata, and the last epoch of its training state when given.</summary>
    public static ModelCard FromModel(ClassifierModel checkpoint, TrainingState? trainingState = null)
    {
        var metrics = new Dictionary<string, double>();
        var training = new Dictionary<string, string>();
        int? seed = null;
        foreach (var (key, value) in checkpoint.Metadata)
        {
            if (key == "seed" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)) seed = s;
            else if (key.StartsWith("test_", StringComparison.Ordinal) || key.StartsWith("train_", StringComparison.Ordinal) || key == "epochs_completed")
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) metrics[key] = v;
                else training[key] = value;
            }
            else training[key] = value;
        }
        if (trainingState is { } state)
        {
            metrics["epochs_completed"] = state.CompletedEpochs;
            if (state.History.Count > 0)
            {
                var last = state.History[^1];
                metrics["test_accuracy"] = last.TestAccuracy;
                metrics["test_loss"] = last.TestLoss;
                metrics["train_accuracy"] = last.TrainAccuracy;
                metrics["train_loss"] = last.TrainLoss;
            }
        }
        return new ModelCard
        {
            Architecture = checkpoint.Architecture,
            InputShape = checkpoint.InputShape,
            Normalization = checkpoint.Normalization,
            ClassLabels = checkpoint.ClassLabels,
            OutputActivation = checkpoint.OutputActivation,
            Cost = checkpoint.Cost,
            Metrics = metrics,
            Seed = seed,
            Training = training,
        };
    }

    /// <summary>The card of a generative model's sampler (noise → pixels in [0, 1]); its training metadata names which
    /// generator the sampler runs ("generator_weights": ema or raw, as <see cref="GenerativeModel.Sampler"/> chooses).</summary>
    public static ModelCard FromGenerator(GenerativeModel model, int? seed = null, GeneratorWeights? weights = null)
    {
        var training = model.Metadata.ToDictionary();
        training[GeneratorWeightsKey] = NeuralPipelines.Models.Settings.SettingNames.Name(model.Weights(weights));
        return new ModelCard
        {
            Architecture = model.Name,
            InputShape = [model.NoiseSize],
            OutputActivation = OutputActivation.None,
            Generator = new GeneratorCard(model.Kind, model.Noise, model.NoiseSize, model.ImageShape, model.Mixture),
            Seed = seed ?? (training.TryGetValue("seed", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null),
            Training = training,
        };
    }

    /// <summary>The training-metadata key naming the generator an exported sampler runs; exports older than the moving
    /// average lack it and ran the raw generator.</summary>
    public const string GeneratorWeightsKey = "generator_weights";

    /// <summary>The card of a colorizer's generator: L [1, S, S] in, ab [2, S, S] out.</summary>
    public static ModelCard FromColorizer(NeuralPipelines.Models.Generative.Pix2Pix.ColorizerModel model, string loss) => new()
    {
        Architecture = "pix2pix-unet",
        InputShape = [1, model.Size, model.Size],
        OutputActivation = OutputActivation.None,
        Colorizer = new ColorizerCard(model.Size, loss),
        Training = model.Metadata.ToDictionary(),
    };

    public int InputLength => InputShape.Aggregate(1, (a, b) => a * b);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { SettingNames.JsonConverter },
    };

    /// <summary>The metadata_props entries, one key per fact.</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var p = new Dictionary<string, string>
        {
            ["architecture"] = Architecture,
            ["input_name"] = InputName,
            ["input_shape"] = string.Join(',', InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))),
            ["input_layout"] = InputShape.Length == 3 ? "NCHW" : "NF",
            ["outputs"] = $"{ScoresName}: the network's last layer; {ProbabilitiesName}: {SettingNames.Name(OutputActivation)} of {ScoresName} (the class scores); {PredictedClassName}: argmax of {ScoresName} (int64, 0-based index into class_labels)",
            ["output_activation"] = SettingNames.Name(OutputActivation),
            ["project_version"] = ProjectVersion,
        };
        if (Interface is not null)
        {
            p["input_name"] = Interface.Inputs;
            p["outputs"] = Interface.Outputs;
        }
        if (Normalization is not null) p["normalization"] = JsonSerializer.Serialize(Normalization, Json);
        if (ClassLabels is not null) p["class_labels"] = JsonSerializer.Serialize(ClassLabels, Json);
        if (Metrics is not null) p["metrics"] = JsonSerializer.Serialize(Metrics, Json);
        if (Seed is int seed) p["seed"] = seed.ToString(CultureInfo.InvariantCulture);
        if (Layers is not null) p["layers"] = Layers;
        if (Cost is { } cost) p["cost"] = SettingNames.Name(cost);
        if (Training is not null) p["training"] = JsonSerializer.Serialize(Training, Json);
        if (Generator is not null)
        {
            p["generator"] = JsonSerializer.Serialize(Generator, Json);
            p["outputs"] = $"{ScoresName}: images [batch, {string.Join(", ", Generator.ImageShape)}] with pixels in [0, 1], drawn from the noise in {InputName}";
        }
        if (Colorizer is not null)
        {
            p["colorizer"] = JsonSerializer.Serialize(Colorizer, Json);
            p["outputs"] = $"{ScoresName}: chroma [batch, 2, {Colorizer.Size}, {Colorizer.Size}] ({Colorizer.Chroma}) for the lightness in {InputName} ({Colorizer.Lightness})";
        }
        return p;
    }

    /// <summary>Reads the card back from metadata_props (an exported model, or the scorer's custom metadata map).</summary>
    /// <exception cref="FormatException">A required key is missing or unreadable; the message names it.</exception>
    public static ModelCard FromProperties(IReadOnlyDictionary<string, string> p, string source)
    {
        string Get(string key) => p.TryGetValue(key, out var v) ? v
            : throw new FormatException($"{source}: the ONNX metadata has no '{key}' entry; was the model exported by NeuralPipelines?");
        T? Parse<T>(string key) where T : class
        {
            if (!p.TryGetValue(key, out var v)) return null;
            try { return JsonSerializer.Deserialize<T>(v, Json); }
            catch (JsonException e) { throw new FormatException($"{source}: the ONNX metadata entry '{key}' is not valid JSON ({Excerpt.Of(e.Message)}).", e); }
        }
        T Setting<T>(string text, string key) where T : struct, Enum
        {
            try { return SettingNames.Parse<T>(text, key); }
            catch (ArgumentException e) { throw new FormatException($"{source}: the ONNX metadata entry '{key}': {Excerpt.Of(e.Message)}", e); }
        }
        // Labels name classes: ML.NET's key values, the recall of np validate and a served prediction are looked up by
        // them, so a missing or repeated one (a hand-edited card) is refused here rather than crashing each of those.
        string[]? Labels()
        {
            var labels = Parse<string[]>("class_labels");
            if (labels is null) return null;
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int c = 0; c < labels.Length; c++)
            {
                if (labels[c] is null) throw new FormatException($"{source}: the ONNX metadata entry 'class_labels' has no label for class {c}.");
                if (!first.TryAdd(labels[c], c))
                    throw new FormatException($"{source}: the ONNX metadata entry 'class_labels' names '{Excerpt.Of(labels[c], 80)}' for classes {first[labels[c]]} and {c}; a label names one class.");
            }
            return labels;
        }
        int[] shape;
        try { shape = Get("input_shape").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new FormatException($"{source}: the ONNX metadata entry 'input_shape' ('{Excerpt.Of(p["input_shape"])}') is not a list of sizes."); }
        return new ModelCard
        {
            Architecture = Get("architecture"),
            InputShape = shape,
            Normalization = Parse<Normalization>("normalization"),
            OutputActivation = p.TryGetValue("output_activation", out var act) ? Setting<OutputActivation>(act, "output_activation") : OutputActivation.Softmax,
            Cost = p.TryGetValue("cost", out var cost) ? Setting<CostKind>(cost, "cost") : null,
            Training = Parse<Dictionary<string, string>>("training"),
            ClassLabels = Labels(),
            Metrics = Parse<Dictionary<string, double>>("metrics"),
            Seed = p.TryGetValue("seed", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : null,
            ProjectVersion = p.TryGetValue("project_version", out var v) ? v : "unknown",
            Layers = p.TryGetValue("layers", out var l) ? l : null,
            Generator = Parse<GeneratorCard>("generator"),
            Colorizer = Parse<ColorizerCard>("colorizer"),
        };
    }
}
