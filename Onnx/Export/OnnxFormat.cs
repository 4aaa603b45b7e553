using global::Onnx;

namespace NeuralPipelines.Onnx.Export;

/// <summary>The ONNX versions every model this project writes declares, networks and linear models alike.</summary>
/// <remarks>One opset for the whole project, so that every model it ships asks the same of the runtime that loads it. The
/// design asks for 17 or newer: from opset 13 on, Softmax normalises over the one axis it is given, which is what the
/// exporters mean by it. IR version 8 is the one that came with opset 17.</remarks>
public static class OnnxFormat
{
    public const long Opset = 17;
    public const long IrVersion = 8;
    public const string Producer = "NeuralPipelines";

    /// <summary>A model around <paramref name="graph"/> importing the default-domain opset <see cref="Opset"/>.</summary>
    public static ModelProto Model(GraphProto graph, string producerVersion, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            ProducerVersion = producerVersion,
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Adds one metadata_props entry (ONNX's free-form key → value strings, shown by Netron).</summary>
    public static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
