using global::Onnx;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>An ONNX model that passed <see cref="OnnxIntegrity.Check"/>: it parsed, its checksum matched, its initializers
/// hold what they declare and (ours) are finite.</summary>
/// <remarks>Only <see cref="OnnxIntegrity.Checked"/> makes one. Code that edits a graph and renews our checksum
/// (<see cref="MlNet.NamedScoreOutput"/>) takes this type rather than a bare <see cref="ModelProto"/>, so a damaged file can
/// never be re-stamped as good, and a caller that reads a model's facts and then edits it parses and checks its bytes
/// once (for a large model the parse and the checksum's re-serialisation are the cost).</remarks>
public sealed class CheckedModel
{
    internal CheckedModel(ModelProto proto, string source)
    {
        Proto = proto;
        Source = source;
    }

    /// <summary>The parsed model; an editor that takes this instance may change it in place.</summary>
    public ModelProto Proto { get; }

    /// <summary>What the bytes were called when checked, for messages.</summary>
    public string Source { get; }
}
