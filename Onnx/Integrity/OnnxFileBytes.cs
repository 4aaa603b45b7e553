namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Reads an ONNX file whole, as the loaders hand ONNX Runtime bytes (after <see cref="OnnxIntegrity"/> has
/// checked them).</summary>
public static class OnnxFileBytes
{
    /// <summary>Protobuf's limit on one message, and so on an ONNX model held in one file.</summary>
    public const long MostBytes = int.MaxValue;

    /// <summary>Above this size a file's protobuf fields are walked (by seeking, <see cref="ModelFileKinds"/>) before it is
    /// read: a 1.9 GB file of zeros was read whole, 2 GB of memory, to be refused. Smaller files are read straight away, so
    /// that a damaged one is refused in protobuf's own words, which say what is wrong.</summary>
    public const long WalkedFirstAbove = 64L << 20;

    /// <exception cref="InvalidDataException">The file is larger than <see cref="MostBytes"/> (no ONNX model is, and
    /// <see cref="File.ReadAllBytes"/> would refuse it in words that do not name it), or large and not a protobuf ONNX model.</exception>
    public static byte[] Read(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MostBytes)
            throw new InvalidDataException($"{path}: {length:N0} bytes, more than the {MostBytes:N0} an ONNX model file can hold (protobuf's limit); it is not an ONNX model.");
        if (length > WalkedFirstAbove && ModelFileKinds.Of(path) != ModelFileKind.Onnx)
            throw new InvalidDataException($"{path}: not an ONNX model ({length:N0} bytes whose protobuf fields do not make a model with an IR version and a graph; it was not read).");
        return File.ReadAllBytes(path);
    }
}
