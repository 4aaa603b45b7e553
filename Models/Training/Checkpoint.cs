using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Training;

/// <summary>A trained (or training) network with everything needed to use it or to carry on training it exactly.</summary>
/// <remarks>
/// File layout: the 8-byte magic "NPCKPT01", a little-endian int32 header length, a UTF-8 JSON header (architecture,
/// layer spec, input shape, labels, normalisation, cost, metadata, training state, and the name and shape of every
/// tensor that follows), the tensors' float32 values in that order (parameters, buffers, optimiser state), and the
/// 8-byte trailer "NPCKEND!" so a truncated file is recognised. Written through <see cref="AtomicFile"/>.
/// </remarks>
public sealed class Checkpoint
{
    private static readonly byte[] Magic = "NPCKPT01"u8.ToArray(), Trailer = "NPCKEND!"u8.ToArray();
    private const string FormatName = "neuralpipelines-checkpoint";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Dictionary<string, string> _metadata;

    public Checkpoint(Layer network, string architecture, int[] inputShape, string[] classLabels, string cost,
        Normalization? normalization = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Network = network;
        Architecture = architecture;
        InputShape = inputShape.ToArray();
        ClassLabels = classLabels.ToArray();
        Cost = LossFunctions.Create(cost).Name;
        Normalization = normalization;
        _metadata = metadata?.ToDictionary() ?? [];
        int[] output = network.OutputShape(InputShape);
        int outputs = output.Aggregate(1, (a, b) => a * b);
        if (outputs != ClassLabels.Length)
            throw new ArgumentException($"The {architecture} network maps input {Tensor.ShapeText(InputShape)} to {Tensor.ShapeText(output)}, " +
                                        $"but there are {ClassLabels.Length} class labels.");
        if (normalization is not null && InputShape.Length > 0 && normalization.Mean.Length != InputShape[0])
            throw new ArgumentException($"Normalization has {normalization.Mean.Length} channel(s) but the input shape is {Tensor.ShapeText(InputShape)}.");
    }

    public Layer Network { get; }

    /// <summary>"mlp", or the model-zoo name ("lenet5", ...).</summary>
    public string Architecture { get; }

    /// <summary>Shape of one example, e.g. [1, 28, 28]; the network takes [N, ..this].</summary>
    public int[] InputShape { get; }

    public string[] ClassLabels { get; }

    /// <summary>Pixel standardisation applied before the network, or null when it takes pixels in [0, 1] as they are.</summary>
    public Normalization? Normalization { get; }

    /// <summary>The cost it was trained with ("quadratic", "cross-entropy", "log-likelihood").</summary>
    public string Cost { get; }

    /// <summary>What turns the network's raw output into class scores: "none", "sigmoid" or "softmax" (the raw output is logits).</summary>
    public string OutputActivation => LossFunctions.Create(Cost).OutputActivation;

    /// <summary>Free-form facts: seed, dataset, metrics, project version.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Training progress, or null for a checkpoint that only holds a model.</summary>
    public TrainingState? Training { get; set; }

    /// <summary>The optimiser with its state (momentum velocities, Adam moments), bound to <see cref="Network"/>'s parameters.</summary>
    public Optimizer? Optimizer { get; set; }

    /// <summary>Throws when this checkpoint's architecture or input shape is not the one expected; the message names both.</summary>
    public void EnsureMatches(string? architecture, ReadOnlySpan<int> inputShape)
    {
        if (architecture is not null && !string.Equals(architecture, Architecture, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"The checkpoint holds a {Architecture} network, not {architecture}.");
        if (!InputShape.AsSpan().SequenceEqual(inputShape))
            throw new ArgumentException($"The checkpoint's network takes inputs of shape {Tensor.ShapeText(InputShape)} but the data has shape {Tensor.ShapeText(inputShape)}.");
    }

    /// <summary>Throws when <paramref name="images"/> do not fit this network: another image shape or another number of classes.</summary>
    public void EnsureFits(LabelledImages images)
    {
        EnsureMatches(null, [images.Channels, images.Height, images.Width]);
        if (images.Classes != ClassLabels.Length)
            throw new ArgumentException($"{images.Source} has {images.Classes} classes but the checkpoint's network has {ClassLabels.Length} outputs.");
    }

    public void Save(string path)
    {
        var tensors = Tensors();
        var header = new Header
        {
            Format = FormatName,
            Version = 1,
            Architecture = Architecture,
            Network = Network.Spec.ToJson(),
            InputShape = InputShape,
            ClassLabels = ClassLabels,
            Normalization = Normalization,
            Cost = Cost,
            OutputActivation = OutputActivation,
            Metadata = new Dictionary<string, string>(_metadata),
            Training = Training,
            Optimizer = Optimizer?.Settings,
            OptimizerSteps = Optimizer?.Steps ?? 0,
            Tensors = tensors.Select(t => new TensorEntry(t.Name, t.Tensor.ShapeArray())).ToList(),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            Span<byte> len = stackalloc byte[4];
            BitConverter.TryWriteBytes(len, json.Length);
            if (!BitConverter.IsLittleEndian) len.Reverse();
            stream.Write(len);
            stream.Write(json);
            foreach (var (_, t) in tensors) WriteFloats(stream, t.Span);
            stream.Write(Trailer);
        });
    }

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint file.");
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[8];
        if (stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false) < 8 || !magic.SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a NeuralPipelines checkpoint (it does not start with NPCKPT01).");
        Span<byte> len = stackalloc byte[4];
        if (stream.ReadAtLeast(len, 4, throwOnEndOfStream: false) < 4) throw Truncated(path);
        if (!BitConverter.IsLittleEndian) len.Reverse();
        int headerLength = BitConverter.ToInt32(len);
        if (headerLength <= 0 || headerLength > stream.Length - 12) throw Truncated(path);
        var json = new byte[headerLength];
        if (stream.ReadAtLeast(json, headerLength, throwOnEndOfStream: false) < headerLength) throw Truncated(path);
        Header header;
        try { header = JsonSerializer.Deserialize<Header>(json, Json) ?? throw new JsonException("empty header"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the checkpoint header is not valid JSON ({e.Message})."); }
        if (header.Format != FormatName || header.Version != 1)
            throw new InvalidDataException($"{path}: checkpoint format '{header.Format}' version {header.Version} is not supported (expected {FormatName} version 1).");

        Checkpoint checkpoint;
        try
        {
            var network = LayerRegistry.Build(LayerSpec.FromJson(header.Network));
            checkpoint = new Checkpoint(network, header.Architecture, header.InputShape, header.ClassLabels, header.Cost, header.Normalization, header.Metadata);
            checkpoint.Training = header.Training;
            if (header.Optimizer is not null)
            {
                checkpoint.Optimizer = Optimizers.Optimizer.Create(header.Optimizer, network.AllParameters().ToArray());
                checkpoint.Optimizer.Steps = header.OptimizerSteps;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException)
        {
            throw new InvalidDataException($"{path}: the checkpoint's network cannot be rebuilt: {e.Message}");
        }

        var tensors = checkpoint.Tensors();
        if (tensors.Count != header.Tensors.Count)
            throw new InvalidDataException($"{path}: the header lists {header.Tensors.Count} tensors but the {header.Architecture} network and its optimiser have {tensors.Count}.");
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, t) = tensors[i];
            if (header.Tensors[i].Name != name || !t.ShapeEquals(header.Tensors[i].Shape))
                throw new InvalidDataException($"{path}: tensor {i} is {header.Tensors[i].Name}{Tensor.ShapeText(header.Tensors[i].Shape)} in the file but {name}{Tensor.ShapeText(t.Shape)} in the rebuilt network.");
            if (!ReadFloats(stream, t.Span)) throw Truncated(path);
        }
        Span<byte> trailer = stackalloc byte[8];
        if (stream.ReadAtLeast(trailer, 8, throwOnEndOfStream: false) < 8 || !trailer.SequenceEqual(Trailer)) throw Truncated(path);
        if (stream.Position != stream.Length) throw new InvalidDataException($"{path}: unexpected bytes after the end of the checkpoint.");
        return checkpoint;
    }

    private static InvalidDataException Truncated(string path) =>
        new($"{path}: the checkpoint is truncated or corrupt (it ends before its last tensor and end marker).");

    /// <summary>Parameters, buffers and optimiser state, in the one order the file uses.</summary>
    private List<(string Name, Tensor Tensor)> Tensors()
    {
        var list = new List<(string, Tensor)>();
        int i = 0;
        foreach (var p in Network.AllParameters()) list.Add(($"parameter{i++}.{p.Name}", p.Value));
        i = 0;
        foreach (var b in Network.AllBuffers()) list.Add(($"buffer{i++}", b));
        if (Optimizer is not null)
        {
            i = 0;
            foreach (var s in Optimizer.State) list.Add(($"optimizer{i++}", s));
        }
        return list;
    }

    private static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian) { stream.Write(MemoryMarshal.AsBytes(values)); return; }
        Span<byte> b = stackalloc byte[4];
        foreach (float v in values) { BitConverter.TryWriteBytes(b, v); b.Reverse(); stream.Write(b); }
    }

    private static bool ReadFloats(Stream stream, Span<float> values)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length) return false;
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < bytes.Length; i += 4) bytes.Slice(i, 4).Reverse();
        return true;
    }

    private sealed class Header
    {
        public string Format { get; set; } = "";
        public int Version { get; set; }
        public string Architecture { get; set; } = "";
        public string Network { get; set; } = "";
        public int[] InputShape { get; set; } = [];
        public string[] ClassLabels { get; set; } = [];
        public Normalization? Normalization { get; set; }
        public string Cost { get; set; } = "";
        public string OutputActivation { get; set; } = "";
        public Dictionary<string, string> Metadata { get; set; } = [];
        public TrainingState? Training { get; set; }
        public OptimizerSettings? Optimizer { get; set; }
        public long OptimizerSteps { get; set; }
        public List<TensorEntry> Tensors { get; set; } = [];
    }

    private sealed record TensorEntry(string Name, int[] Shape);
}
