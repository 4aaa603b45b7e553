using NeuralPipelines.Onnx.Integrity;

namespace NeuralPipelines.Cli;

/// <summary>What an output writes, declared with it so that <see cref="Outputs.Check"/> can refuse to replace an existing
/// model with something of another kind (a checkpoint with CSV), and let "-" (stdout) stand only for text.</summary>
/// <param name="Name">How messages say it: "this would replace it with <paramref name="Name"/>".</param>
/// <param name="Model">The kind of model file it is, or <see cref="ModelFileKind.None"/>: an existing model of this kind
/// may be replaced by it (re-exporting into m.onnx), one of another kind only with --force.</param>
/// <param name="Text">Text, so "-" may name stdout.</param>
/// <param name="IsFolder">A folder the command fills with files (declared one by one beside it): checked only for "-",
/// which names stdout and never a folder; the files inside it get every other check.</param>
public sealed record OutputContent(string Name, ModelFileKind Model = ModelFileKind.None, bool Text = false, bool IsFolder = false)
{
    public static OutputContent Checkpoint { get; } = new("a checkpoint", ModelFileKind.Checkpoint);
    public static OutputContent Onnx { get; } = new("an ONNX model", ModelFileKind.Onnx);
    public static OutputContent MlNetZip { get; } = new("an ML.NET zip", ModelFileKind.Zip);
    public static OutputContent Csv { get; } = new("CSV", Text: true);
    public static OutputContent JsonLines { get; } = new("JSON Lines", Text: true);
    public static OutputContent Json { get; } = new("JSON", Text: true);
    public static OutputContent Png { get; } = new("a PNG image");
    public static OutputContent TritonConfig { get; } = new("a Triton model configuration");
    public static OutputContent Folder { get; } = new("a folder of files", IsFolder: true);

    /// <summary>How messages name an existing model of <paramref name="kind"/>, after "an existing".</summary>
    public static string Describe(ModelFileKind kind) => kind switch
    {
        ModelFileKind.Checkpoint => "checkpoint",
        ModelFileKind.Onnx => "ONNX model",
        ModelFileKind.Zip => "zip archive (an ML.NET model or another)",
        _ => "file",
    };
}
