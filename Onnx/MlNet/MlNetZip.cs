using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Reads and writes the parts of an ML.NET model zip that ML.NET's API does not reach: the ONNX models its ONNX
/// transformers embed, and the model card this project keeps beside them.</summary>
/// <remarks>
/// ML.NET's ONNX transformer stores its model as an entry named <c>OnnxModel</c> (a 4-byte little-endian length, then
/// the ONNX bytes) in the transformer's folder of the zip. The card is one more entry, <see cref="CardEntry"/>, holding
/// the card's ONNX metadata properties as JSON; ML.NET opens the entries it knows by name and never looks at it.
/// </remarks>
public static class MlNetZip
{
    public const string CardEntry = "NeuralPipelines/ModelCard.json";

    private const string OnnxEntryName = "OnnxModel";

    /// <summary>Whether the file starts like a zip ("PK").</summary>
    public static bool LooksLikeZip(string path)
    {
        Span<byte> head = stackalloc byte[2];
        using var f = File.OpenRead(path);
        return f.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head.SequenceEqual("PK"u8);
    }

    /// <summary>The ONNX models embedded in the zip, in entry order (none for a pipeline of ML.NET's own trainers).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable zip, or an OnnxModel entry is cut short.</exception>
    public static IReadOnlyList<byte[]> OnnxModels(string path)
    {
        using var zip = Open(path);
        var models = new List<byte[]>();
        foreach (var entry in zip.Entries.Where(e => e.Name == OnnxEntryName))
        {
            using var stream = entry.Open();
            var prefix = new byte[4];
            if (stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4)
                throw new InvalidDataException($"{path}: the zip entry {entry.FullName} is cut short.");
            int length = BitConverter.ToInt32(prefix);
            if (length < 0 || length != entry.Length - 4)
                throw new InvalidDataException($"{path}: the zip entry {entry.FullName} announces {length} bytes of ONNX model but holds {entry.Length - 4}.");
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            models.Add(bytes);
        }
        return models;
    }

    /// <summary>The one embedded ONNX model that NeuralPipelines exported (it carries a model card), or null when there is none.</summary>
    public static byte[]? NeuralPipelinesOnnx(string path) =>
        OnnxModels(path).Where(m => OnnxModelInfo.Card(m, path) is not null).Take(2).ToArray() is [var one] ? one : null;

    /// <summary>The card kept in the zip's own entry, else the card of the ONNX model inside it; null when neither exists.</summary>
    public static ModelCard? ReadCard(string path)
    {
        using (var zip = Open(path))
        {
            if (zip.GetEntry(CardEntry) is { } entry)
            {
                using var stream = entry.Open();
                Dictionary<string, string>? properties;
                try { properties = JsonSerializer.Deserialize<Dictionary<string, string>>(stream); }
                catch (JsonException e) { throw new InvalidDataException($"{path}: the zip entry {CardEntry} is not valid JSON ({e.Message}).", e); }
                if (properties is null) throw new InvalidDataException($"{path}: the zip entry {CardEntry} is empty.");
                try { return ModelCard.FromProperties(properties, $"{path} ({CardEntry})"); }
                catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
            }
        }
        return OnnxModels(path).Select(m => OnnxModelInfo.Card(m, path)).FirstOrDefault(c => c is not null);
    }

    /// <summary>Saves <paramref name="model"/> with <c>mlContext.Model.Save</c>, adds <paramref name="card"/> as its own entry
    /// when given, and writes the file atomically (nothing half-written is ever seen under <paramref name="path"/>).</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path, ModelCard? card = null)
    {
        using var buffer = new MemoryStream();
        ml.Model.Save(model, inputSchema, buffer);
        if (card is not null)
        {
            using var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true);
            zip.GetEntry(CardEntry)?.Delete();
            using var entry = zip.CreateEntry(CardEntry, CompressionLevel.Optimal).Open();
            JsonSerializer.Serialize(entry, card.ToProperties(), new JsonSerializerOptions { WriteIndented = true });
        }
        AtomicFile.Write(path, stream => { buffer.Position = 0; buffer.CopyTo(stream); });
    }

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        ZipIntegrity.Verify(path);
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: not a readable zip file ({e.Message}).", e); }
    }
}
