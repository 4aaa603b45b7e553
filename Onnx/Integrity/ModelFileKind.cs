namespace NeuralPipelines.Onnx.Integrity;

/// <summary>What kind of model a file holds, told from its bytes (see <see cref="ModelFileKinds.Of"/>): what an output must
/// not replace with something of another kind.</summary>
public enum ModelFileKind
{
    /// <summary>Not a model file (or unreadable, or empty).</summary>
    None,

    /// <summary>A checkpoint of <c>np train</c> (starts with the checkpoint magic).</summary>
    Checkpoint,

    /// <summary>An ONNX model (a protobuf ModelProto).</summary>
    Onnx,

    /// <summary>A zip archive: an ML.NET model, or another archive a CSV or a report must not replace either.</summary>
    Zip,
}
