using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Checkpoints;

/// <summary>The checkpoint file format: reads and writes a <see cref="CheckpointContent"/>.</summary>
/// <remarks>
/// Layout: the 8-byte magic "NPCKPT01", a little-endian int32 header length, a UTF-8 JSON header, the tensors' float32
/// values in the order the header lists them (each network's parameters then buffers, then each optimiser's state), the
/// little-endian CRC-32C of every byte before it, and the 8-byte trailer "NPCKEND!" so that a truncated file is
/// recognised. Written through <see cref="AtomicFile"/>, so a crash mid-write leaves the previous file whole.
/// The checksum (version 3) is checked before any network is built: a flipped bit anywhere, in the header or in a
/// weight, is refused by name rather than loaded as a slightly different model. Version 2 (the same without the
/// checksum) and version 1 (one network, written before the model, training state and file were separate types, read
/// as a classifier whose network is called "network") still load, with every other check: a user's trained models
/// stay usable, and the next save of a resumed run writes version 3.
/// </remarks>
public static class CheckpointFile
{
    /// <summary>The bytes every checkpoint starts with; the one place they are spelled.</summary>
    public static ReadOnlySpan<byte> Magic => "NPCKPT01"u8;
    private static ReadOnlySpan<byte> Trailer => "NPCKEND!"u8;
    private const string FormatName = "neuralpipelines-checkpoint";
    private const int Version = 3;

    /// <summary>The first version whose files end in a CRC-32C.</summary>
    private const int ChecksumVersion = 3;

    /// <summary>How headers and sections are serialised: snake_case keys, typed settings as their kebab-case names.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { SettingNames.JsonConverter },
    };

    /// <summary>Whether a file's first bytes are a checkpoint's.</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    /// <summary>Whether a model file that may be a checkpoint or an ONNX model is to be read as a checkpoint: its first
    /// bytes say so, or its name does (.ckpt). By the bytes alone, an empty or damaged m.ckpt was read as ONNX and refused
    /// as "not a readable ONNX model (No graph was found in the protobuf.)"; read as a checkpoint, it is named as one.</summary>
    public static bool IsMeantAsCheckpoint(string path, ReadOnlySpan<byte> head) =>
        StartsWithMagic(head) || path.EndsWith(".ckpt", StringComparison.OrdinalIgnoreCase);

    /// <summary><see cref="IsMeantAsCheckpoint(string, ReadOnlySpan{byte})"/> on the file's own first bytes (by its name
    /// alone when it does not exist, so that the caller's "no such checkpoint" names it as one).</summary>
    public static bool IsMeantAsCheckpoint(string path)
    {
        Span<byte> head = stackalloc byte[8];
        int read = 0;
        if (File.Exists(path))
        {
            using var f = File.OpenRead(path);
            read = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        return IsMeantAsCheckpoint(path, head[..read]);
    }

    public static void Save(string path, CheckpointContent content)
    {
        var tensors = Tensors(content, Version);
        var header = new Header
        {
            Format = FormatName,
            Version = Version,
            Kind = content.Kind,
            Networks = content.Networks.Select(n => new NetworkEntry(n.Name, n.Architecture, n.Network.Spec.ToJson(), n.InputShape)).ToList(),
            Optimizers = content.Optimizers.Select(o => new OptimizerEntry(o.Name, o.Network, o.Optimizer.Settings, o.Optimizer.Steps)).ToList(),
            Sections = content.Sections,
            Metadata = content.Metadata,
            Tensors = tensors.Select(t => new TensorEntry(t.Name, t.Tensor.ShapeArray())).ToList(),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        AtomicFile.Write(path, file =>
        {
            var stream = new ChecksummingStream(file);
            stream.Write(Magic);
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, json.Length);
            stream.Write(len);
            stream.Write(json);
            foreach (var (_, t) in tensors) WriteFloats(stream, t.Span);
            Span<byte> crc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(crc, stream.Crc);
            file.Write(crc);
            file.Write(Trailer);
        });
    }

    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>; the message names it.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, an unknown version, truncated or corrupt; the message names the file.</exception>
    public static CheckpointContent Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
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

        JsonObject root;
        try { root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("the header is not a JSON object"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the checkpoint header is not valid JSON ({e.Message})."); }
        string format = root["format"]?.GetValueKind() == JsonValueKind.String ? root["format"]!.GetValue<string>() : "";
        int version = root["version"]?.GetValueKind() == JsonValueKind.Number ? root["version"]!.GetValue<int>() : 0;
        if (format != FormatName || version is < 1 or > Version)
            throw new InvalidDataException($"{path}: checkpoint format '{format}' version {version} is not supported (this build reads {FormatName} versions 1 to {Version}; a newer NeuralPipelines may have written it).");
        int checksumLength = version >= ChecksumVersion ? 4 : 0;
        if (checksumLength > 0) VerifyChecksum(stream, path);

        CheckpointContent content;
        List<TensorEntry> listed;
        try
        {
            var header = version == 1 ? FromVersion1(root) : root.Deserialize<Header>(Json) ?? throw new JsonException("empty header");
            listed = header.Tensors;
            // Memory follows the file, not the header: the tensors it lists must fill exactly the bytes that are there
            // before any network is built from it (a few kilobytes can otherwise declare a layer of gigabytes).
            long declared = DeclaredBytes(listed), present = stream.Length - stream.Position - checksumLength - Trailer.Length;
            if (declared != present)
                throw new InvalidDataException(declared > present
                    ? $"its header lists {listed.Count} tensors of {declared:N0} bytes but only {Math.Max(present, 0):N0} follow it (truncated, or sizes that lie)"
                    : $"its header lists {listed.Count} tensors of {declared:N0} bytes but {present:N0} follow it");
            content = Rebuild(header);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException or InvalidOperationException or InvalidDataException
                                  or OverflowException or OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: the checkpoint's networks cannot be rebuilt: {e.Message}");
        }

        var tensors = Tensors(content, version);
        if (tensors.Count != listed.Count)
            throw new InvalidDataException($"{path}: the header lists {listed.Count} tensors but its networks and optimisers have {tensors.Count}.");
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, t) = tensors[i];
            if (listed[i].Name != name || !t.ShapeEquals(listed[i].Shape))
                throw new InvalidDataException($"{path}: tensor {i} is {listed[i].Name}{Tensor.ShapeText(listed[i].Shape)} in the file but {name}{Tensor.ShapeText(t.Shape)} in the rebuilt network.");
            if (!ReadFloats(stream, t.Span)) throw Truncated(path);
            // Training never saves a diverged state (the NaN guard keeps the last good one), so a NaN or ±∞ here is damage.
            int bad = FirstNonFinite(t.Span);
            if (bad >= 0)
                throw new InvalidDataException($"{path}: tensor {name}{Tensor.ShapeText(t.Shape)} holds {t.Span[bad]} at index {bad}: a checkpoint's values must be finite (the file is damaged).");
        }
        stream.Seek(checksumLength, SeekOrigin.Current); // checked before anything was built
        Span<byte> trailer = stackalloc byte[8];
        if (stream.ReadAtLeast(trailer, 8, throwOnEndOfStream: false) < 8 || !trailer.SequenceEqual(Trailer)) throw Truncated(path);
        if (stream.Position != stream.Length) throw new InvalidDataException($"{path}: unexpected bytes after the end of the checkpoint.");
        return content;
    }

    /// <summary>Compares the CRC-32C stored before the trailer with that of every byte before it, then returns the stream
    /// to where it was; reads through a small buffer, so memory does not grow with the file.</summary>
    private static void VerifyChecksum(FileStream stream, string path)
    {
        long at = stream.Position, covered = stream.Length - 4 - Trailer.Length;
        if (covered < at) throw Truncated(path);
        stream.Position = 0;
        uint actual = Crc32C.Compute(stream, covered);
        Span<byte> stored = stackalloc byte[4];
        stream.ReadExactly(stored);
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
        if (actual != expected)
            throw new InvalidDataException($"{path}: the checkpoint is damaged: its CRC-32C is {actual:x8} but it records {expected:x8} (a changed or truncated file; restore it from a copy or train again).");
        stream.Position = at;
    }

    private static CheckpointContent Rebuild(Header header)
    {
        var content = new CheckpointContent
        {
            Kind = header.Kind,
            Sections = header.Sections ?? [],
            Metadata = header.Metadata ?? [],
        };
        foreach (var n in header.Networks)
            content.Networks.Add(new NamedNetwork(n.Name, n.Architecture, LayerRegistry.Build(LayerSpec.FromJson(n.Spec)), n.InputShape));
        foreach (var o in header.Optimizers)
        {
            var optimizer = Optimizer.Create(o.Settings, content.Network(o.Network).Network.AllParameters().ToArray());
            optimizer.Steps = o.Steps;
            content.Optimizers.Add(new NamedOptimizer(o.Name, o.Network, optimizer));
        }
        return content;
    }

    /// <summary>A version-1 header (one classifier network, its fields at the top level) as a version-2 one.</summary>
    private static Header FromVersion1(JsonObject v1)
    {
        string architecture = v1["architecture"]?.GetValue<string>() ?? "";
        var inputShape = v1["input_shape"].Deserialize<int[]>(Json) ?? [];
        var header = new Header
        {
            Kind = "classifier",
            Networks = [new NetworkEntry("network", architecture, v1["network"]?.GetValue<string>() ?? "", inputShape)],
            Sections = new Dictionary<string, JsonNode?>
            {
                ["model"] = new JsonObject
                {
                    ["class_labels"] = v1["class_labels"]?.DeepClone(),
                    ["normalization"] = v1["normalization"]?.DeepClone(),
                    ["cost"] = v1["cost"]?.DeepClone(),
                },
                ["training"] = v1["training"]?.DeepClone(),
            },
            Metadata = v1["metadata"].Deserialize<Dictionary<string, string>>(Json) ?? [],
            Tensors = v1["tensors"].Deserialize<List<TensorEntry>>(Json) ?? [],
        };
        if (v1["optimizer"] is JsonObject settings)
            header.Optimizers = [new OptimizerEntry("network", "network", settings.Deserialize<OptimizerSettings>(Json)!, v1["optimizer_steps"]?.GetValue<long>() ?? 0)];
        return header;
    }

    private static InvalidDataException Truncated(string path) =>
        new($"{path}: the checkpoint is truncated or corrupt (it ends before its last tensor and end marker).");

    /// <summary>Parameters and buffers of each network, then each optimiser's state: the one order the file uses.
    /// Version 1 names carried no network prefix.</summary>
    private static List<(string Name, Tensor Tensor)> Tensors(CheckpointContent content, int version)
    {
        var list = new List<(string, Tensor)>();
        foreach (var n in content.Networks)
        {
            string prefix = version == 1 ? "" : n.Name + "/";
            int i = 0;
            foreach (var p in n.Network.AllParameters()) list.Add(($"{prefix}parameter{i++}.{p.Name}", p.Value));
            i = 0;
            foreach (var b in n.Network.AllBuffers()) list.Add(($"{prefix}buffer{i++}", b));
        }
        foreach (var o in content.Optimizers)
        {
            string prefix = version == 1 ? "" : o.Name + "/";
            int i = 0;
            foreach (var s in o.Optimizer.State) list.Add(($"{prefix}optimizer{i++}", s));
        }
        return list;
    }

    /// <summary>Bytes of float32 data the listed shapes need; a negative dimension or an overflow is a format error.</summary>
    private static long DeclaredBytes(List<TensorEntry>? listed)
    {
        long total = 0;
        foreach (var t in listed ?? throw new JsonException("the header lists no tensors"))
        {
            long count = 1;
            foreach (int d in t.Shape ?? throw new JsonException($"tensor {t.Name} has no shape"))
            {
                if (d < 0) throw new JsonException($"tensor {t.Name} has a negative dimension ({d})");
                count = checked(count * d);
            }
            total = checked(total + 4 * count);
        }
        return total;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
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
        public string Format { get; set; } = FormatName;
        public int Version { get; set; } = CheckpointFile.Version;
        public string Kind { get; set; } = "";
        public List<NetworkEntry> Networks { get; set; } = [];
        public List<OptimizerEntry> Optimizers { get; set; } = [];
        public Dictionary<string, JsonNode?>? Sections { get; set; }
        public Dictionary<string, string>? Metadata { get; set; }
        public List<TensorEntry> Tensors { get; set; } = [];
    }

    private sealed record NetworkEntry(string Name, string Architecture, string Spec, int[] InputShape);
    private sealed record OptimizerEntry(string Name, string Network, OptimizerSettings Settings, long Steps);
    private sealed record TensorEntry(string Name, int[] Shape);
}
