using System.Globalization;
using System.Text.Json;

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

    /// <summary>Per-channel (or single) mean and standard deviation subtracted from and divided into raw inputs;
    /// the exporter puts them in the graph so the ONNX model takes raw values (pixels in [0, 1]).</summary>
    public InputNormalization? Normalization { get; init; }

    public IReadOnlyList<string>? ClassLabels { get; init; }

    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    public int? Seed { get; init; }

    /// <summary>The NeuralPipelines version that produced the model (the assembly version by default).</summary>
    public string ProjectVersion { get; init; } = DefaultVersion;

    /// <summary>The layer spec of the network (JSON), filled in by the exporter.</summary>
    public string? Layers { get; init; }

    public static string DefaultVersion { get; } =
        typeof(ModelCard).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public int InputLength => InputShape.Aggregate(1, (a, b) => a * b);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The metadata_props entries, one key per fact.</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var p = new Dictionary<string, string>
        {
            ["architecture"] = Architecture,
            ["input_name"] = InputName,
            ["input_shape"] = string.Join(',', InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))),
            ["input_layout"] = InputShape.Length == 3 ? "NCHW" : "NF",
            ["outputs"] = $"{ScoresName}: the network's last layer; {ProbabilitiesName}: softmax over {ScoresName} (the same values when the network already ends in softmax); {PredictedClassName}: argmax of {ScoresName} (int64, 0-based index into class_labels)",
            ["project_version"] = ProjectVersion,
        };
        if (Normalization is not null) p["normalization"] = JsonSerializer.Serialize(Normalization, Json);
        if (ClassLabels is not null) p["class_labels"] = JsonSerializer.Serialize(ClassLabels, Json);
        if (Metrics is not null) p["metrics"] = JsonSerializer.Serialize(Metrics, Json);
        if (Seed is int seed) p["seed"] = seed.ToString(CultureInfo.InvariantCulture);
        if (Layers is not null) p["layers"] = Layers;
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
            catch (JsonException e) { throw new FormatException($"{source}: the ONNX metadata entry '{key}' is not valid JSON ({e.Message}).", e); }
        }
        int[] shape;
        try { shape = Get("input_shape").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new FormatException($"{source}: the ONNX metadata entry 'input_shape' ('{p["input_shape"]}') is not a list of sizes."); }
        return new ModelCard
        {
            Architecture = Get("architecture"),
            InputShape = shape,
            Normalization = Parse<InputNormalization>("normalization"),
            ClassLabels = Parse<string[]>("class_labels"),
            Metrics = Parse<Dictionary<string, double>>("metrics"),
            Seed = p.TryGetValue("seed", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : null,
            ProjectVersion = p.TryGetValue("project_version", out var v) ? v : "unknown",
            Layers = p.TryGetValue("layers", out var l) ? l : null,
        };
    }
}
