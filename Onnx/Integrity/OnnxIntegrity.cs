using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Data.IO;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>The checks every loader of ONNX bytes runs before handing them to ONNX Runtime or reading their card: the
/// bytes parse, the recorded checksum matches (<see cref="OnnxChecksum"/>), every initializer holds exactly the values its
/// dimensions declare (none in another file: <see cref="ExternalData"/>), no input or output axis exceeds an int
/// (<see cref="DeclaredDims"/>), and the weights of a model we wrote are finite.</summary>
/// <remarks>ONNX Runtime sizes its buffers from an initializer's dims; a file whose dims claim more than its raw bytes
/// hold would be allocated (or misread) from the claim. Protobuf itself already refuses a length prefix longer than the
/// file, so after parsing, every byte an initializer holds is really there, and comparing it with the dims bounds memory
/// by the file's size.
/// Non-finite weights are refused only in models that carry our checksum or model card: we never export them (the trainer
/// stops on NaN), while a model from elsewhere may hold −∞ on purpose (an attention mask) and is left to its author.</remarks>
public static class OnnxIntegrity
{
    /// <summary>Parses and checks <paramref name="onnx"/>; <paramref name="source"/> names it in every error.</summary>
    /// <exception cref="InvalidDataException">Not ONNX, damaged, or an initializer that lies about its size; one line naming the source.</exception>
    public static ModelProto Check(byte[] onnx, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(onnx); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"{source}: not an ONNX model ({Excerpt.Of(e.Message)}).", e); }
        bool ours = OnnxChecksum.Verify(model, source) || model.MetadataProps.Any(p => p.Key == "input_shape");
        ExternalData.Refuse(model, source);
        DeclaredDims.Check(model, source);
        if (model.Graph is null) return model;
        foreach (var tensor in model.Graph.Initializer) CheckInitializer(tensor, ours, source);
        return model;
    }

    /// <summary><see cref="Check"/>, its result kept as a <see cref="CheckedModel"/> for code that edits and re-stamps it.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="Check"/>.</exception>
    public static CheckedModel Checked(byte[] onnx, string source) => new(Check(onnx, source), source);

    private static void CheckInitializer(TensorProto t, bool finite, string source)
    {
        string name = Excerpt.Of(t.Name, 80);
        long count = 1;
        foreach (long d in t.Dims)
        {
            if (d < 0) throw new InvalidDataException($"{source}: initializer '{name}' has a negative dimension ({d}).");
            try { count = checked(count * d); }
            catch (OverflowException) { throw new InvalidDataException($"{source}: initializer '{name}' declares dimensions [{string.Join(", ", t.Dims)}] whose product overflows; the file is damaged."); }
        }
        var type = (DataType)t.DataType;
        int size = ElementSize(type);
        long held;
        string unit;
        if (!t.RawData.IsEmpty)
        {
            if (size == 0) return; // strings and other variable-size types have no raw layout to size
            held = t.RawData.Length;
            unit = "bytes";
            if (held != count * size)
                throw new InvalidDataException($"{source}: initializer '{name}' declares {type} [{string.Join(", ", t.Dims)}] ({count:N0} values, {count * size:N0} bytes) but holds {held:N0} {unit}; the file is damaged.");
        }
        else
        {
            held = type switch
            {
                DataType.Float or DataType.Complex64 => t.FloatData.Count,
                DataType.Double or DataType.Complex128 => t.DoubleData.Count,
                DataType.Int64 => t.Int64Data.Count,
                DataType.Uint32 or DataType.Uint64 => t.Uint64Data.Count,
                DataType.String => t.StringData.Count,
                _ => t.Int32Data.Count,
            };
            if (type is DataType.Complex64 or DataType.Complex128) held /= 2;
            unit = "values";
            if (held != count)
                throw new InvalidDataException($"{source}: initializer '{name}' declares {type} [{string.Join(", ", t.Dims)}] ({count:N0} values) but holds {held:N0} {unit}; the file is damaged.");
        }
        if (finite && type == DataType.Float) CheckFinite(t, name, source);
    }

    private static void CheckFinite(TensorProto t, string name, string source)
    {
        if (!t.RawData.IsEmpty)
        {
            var bytes = t.RawData.Span;
            for (int i = 0; i < bytes.Length / 4; i++)
            {
                float v = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                if (!float.IsFinite(v)) throw NonFinite(name, v, i, source);
            }
            return;
        }
        for (int i = 0; i < t.FloatData.Count; i++)
            if (!float.IsFinite(t.FloatData[i])) throw NonFinite(name, t.FloatData[i], i, source);
    }

    private static InvalidDataException NonFinite(string name, float v, int index, string source) =>
        new($"{source}: initializer '{name}' holds {v} at index {index}: the weights of a NeuralPipelines model must be finite (the file is damaged, or was exported from a diverged model).");

    /// <summary>Bytes per element in raw_data; 0 for types without a fixed size (strings).</summary>
    private static int ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Complex128 => 16,
        DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz => 1,
        _ => 0,
    };
}
