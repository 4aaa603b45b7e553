namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Reads an ONNX file whole, as the loaders hand ONNX Runtime bytes (after <see cref="OnnxIntegrity"/> has
/// checked them).</summary>
public static class OnnxFileBytes
{
    /// <summary>Protobuf's limit on one message, and so on an ONNX model held in one file.</summary>
    public const long MostBytes = int.MaxValue;

    /// <exception cref="InvalidDataException">The file is larger than <see cref="MostBytes"/>: no ONNX model is, and
    /// <see cref="File.ReadAllBytes"/> would refuse it in words that do not name it.</exception>
    public static byte[] Read(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MostBytes)
            throw new InvalidDataException($"{path}: {length:N0} bytes, more than the {MostBytes:N0} an ONNX model file can hold (protobuf's limit); it is not an ONNX model.");
        return File.ReadAllBytes(path);
    }
}
