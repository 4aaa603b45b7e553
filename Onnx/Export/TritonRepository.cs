using System.Text;
using Google.Protobuf;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Export;

/// <summary>Writes a Triton Inference Server model repository for one ONNX model: <c>DIR/NAME/1/model.onnx</c> (the bytes
/// unchanged) and <c>DIR/NAME/config.pbtxt</c> (<see cref="TritonModelConfig"/>). Both files, and any others the caller
/// stages with them, go through one <see cref="OutputTransaction"/>: the repository appears whole or not at all, and
/// folders made for it are removed again when the write fails.</summary>
public static class TritonRepository
{
    public const string ModelFileName = "model.onnx";
    public const string ConfigFileName = "config.pbtxt";
    public const string Version = "1";

    /// <summary>Writes the repository entry and returns its configuration.</summary>
    /// <param name="alongside">Stages other outputs in the same transaction (np export's --out and --mlnet files).</param>
    public static TritonModelConfig Write(string repository, string name, byte[] onnx, int? maxBatchSize = null, Action<OutputTransaction>? alongside = null)
    {
        global::Onnx.ModelProto model;
        try { model = global::Onnx.ModelProto.Parser.ParseFrom(onnx); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"not an ONNX model ({e.Message}).", e); }
        var config = TritonModelConfig.FromOnnx(model, name, maxBatchSize);
        var (modelFile, configFile) = Files(repository, name);
        var made = CreatedFolder.Create(Path.GetDirectoryName(modelFile)!);
        try
        {
            using var files = new OutputTransaction();
            alongside?.Invoke(files);
            files.Add(modelFile, s => s.Write(onnx));
            files.Add(configFile, s => s.Write(Encoding.UTF8.GetBytes(config.ToText())));
            files.Commit();
        }
        catch
        {
            // Deepest first, and only if empty: a folder that gained other files in the meantime is not ours to remove.
            made.RemoveIfEmpty();
            throw;
        }
        return config;
    }

    /// <summary>The two files of <paramref name="name"/>'s entry in <paramref name="repository"/>: DIR/NAME/1/model.onnx
    /// and DIR/NAME/config.pbtxt.</summary>
    public static (string Model, string Config) Files(string repository, string name)
    {
        var modelFolder = Path.Combine(Path.GetFullPath(repository), name);
        return (Path.Combine(modelFolder, Version, ModelFileName), Path.Combine(modelFolder, ConfigFileName));
    }

    /// <summary>A model name is a folder name and a URL segment in Triton: letters, digits, '_', '-' and '.'.</summary>
    /// <exception cref="ArgumentException">Any other name; says which characters are allowed.</exception>
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            throw new ArgumentException($"'{name}' is not a Triton model name: use letters, digits, '_', '-' and '.'.");
    }
}
