using System.Globalization;
using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>The CRC-32C every ONNX model this project writes records in its metadata_props under <see cref="Key"/>, so
/// that our loaders can tell a damaged file from a model.</summary>
/// <remarks>The checksum covers the whole model (graph, initializers, opset, every other metadata entry) serialised
/// without the checksum entry itself. Google.Protobuf writes a message deterministically and keeps fields it does not
/// know, so parsing a file we wrote and serialising it again gives the bytes that were summed. A model exported
/// elsewhere (or by a NeuralPipelines older than the checksum) has no entry and is still accepted.</remarks>
public static class OnnxChecksum
{
    public const string Key = "neuralpipelines_crc32c";

    /// <summary>Adds (or replaces) the checksum entry; call it last, after every other change to the model.</summary>
    public static void Stamp(ModelProto model)
    {
        Remove(model);
        OnnxFormatEntry(model, Compute(model).ToString("x8", CultureInfo.InvariantCulture));
    }

    /// <summary>Whether the model carries a checksum; throws when it carries one that does not match its content.</summary>
    /// <exception cref="InvalidDataException">The recorded checksum differs from the model's, or is unreadable; the message names <paramref name="source"/>.</exception>
    public static bool Verify(ModelProto model, string source)
    {
        int at = -1, found = 0;
        for (int i = 0; i < model.MetadataProps.Count; i++)
            if (model.MetadataProps[i].Key == Key) { at = i; found++; }
        if (found == 0) return false;
        if (found > 1) throw new InvalidDataException($"{source}: the ONNX model records {found} checksums ({Key}); the file is damaged.");
        var entry = model.MetadataProps[at];
        if (!uint.TryParse(entry.Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint expected) || entry.Value.Length != 8)
            throw new InvalidDataException($"{source}: the ONNX model's checksum ({Key}) is '{Excerpt.Of(entry.Value, 40)}', not 8 hex digits; the file is damaged.");
        model.MetadataProps.RemoveAt(at);
        uint actual;
        try { actual = Compute(model); }
        finally { model.MetadataProps.Insert(at, entry); }
        if (actual != expected)
            throw new InvalidDataException($"{source}: the ONNX model is damaged: its CRC-32C is {actual:x8} but it records {expected:x8} (restore it from a copy or export it again).");
        return true;
    }

    private static uint Compute(ModelProto model) => Crc32C.Compute(model.ToByteArray());

    private static void Remove(ModelProto model)
    {
        for (int i = model.MetadataProps.Count - 1; i >= 0; i--)
            if (model.MetadataProps[i].Key == Key) model.MetadataProps.RemoveAt(i);
    }

    private static void OnnxFormatEntry(ModelProto model, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = Key, Value = value });
}
