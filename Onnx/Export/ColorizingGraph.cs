using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Export;

/// <summary>A colorizer's ONNX export (scaled L in, scaled ab out) wrapped into one graph that takes RGB pixels and gives
/// RGB pixels: sRGB → L → the U-Net → ab → Lab → sRGB, all in standard ONNX ops, so any ONNX runtime (ML.NET's
/// ApplyOnnxModel among them) colorizes images with nothing of ours beside it.</summary>
/// <remarks>
/// Input <c>rgb</c> [batch, 3, S, S], sRGB in [0, 1] (RGB planes; colours are ignored, only the lightness is read).
/// Outputs <c>colorized</c> [batch, 3, S, S] in [0, 1], and <c>pixels</c>, the same ×255 and rounded to whole levels
/// (what an 8-bit image holds: ML.NET's ConvertToImage then casts without a scale, whose alpha it would zero).
/// The photo's L and the model's ab are combined at the model's size S: the graph is the colorizer's own
/// <see cref="Models.Generative.Pix2Pix.Colorizer.ColorizeBatch"/>, not the full-resolution path of <c>np colorize</c>.
/// </remarks>
public static class ColorizingGraph
{
    public const string InputName = "rgb";
    public const string ColorizedName = "colorized";
    public const string PixelsName = "pixels";
    public const string Architecture = "pix2pix-unet-rgb";

    /// <summary>The composite over a colorizer's ONNX export; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not ONNX, or not a NeuralPipelines colorizer; the message says what they are.</exception>
    public static (ModelProto Model, ColorizerCard Card) Build(byte[] colorizerOnnx, string source)
    {
        ArgumentNullException.ThrowIfNull(colorizerOnnx);
        var unet = OnnxIntegrity.Check(colorizerOnnx, source);
        if (unet.Graph is null || unet.Graph.Node.Count == 0) throw new InvalidDataException($"{source}: not an ONNX model (no graph).");
        var props = unet.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        var card = ReadCard(props, source);
        CheckInterface(unet.Graph, card.Size, source);

        int s = card.Size;
        var b = new OnnxGraphBuilder(Architecture);
        foreach (var name in unet.Graph.Node.SelectMany(n => n.Output.Append(n.Name)).Concat(unet.Graph.Initializer.Select(i => i.Name)))
            b.UniqueName(name);
        b.UniqueName(InputName); b.UniqueName(ColorizedName); b.UniqueName(PixelsName);
        b.Graph.Input.Add(OnnxGraphBuilder.BatchedFloat(InputName, OnnxExporter.BatchDimension, [3, s, s]));

        var lightness = LabNodes.ScaledLightness(b, InputName);
        // The U-Net as exported, its input and output renamed to the values around it.
        string chroma = b.UniqueName("chroma");
        b.Graph.Initializer.Add(unet.Graph.Initializer);
        foreach (var original in unet.Graph.Node)
        {
            var node = original.Clone();
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == ModelCard.InputName) node.Input[i] = lightness;
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == ModelCard.ScoresName) node.Output[i] = chroma;
            b.Graph.Node.Add(node);
        }
        var srgb = LabNodes.Srgb(b, lightness, chroma);
        b.AddNodeWithOutput("Identity", ColorizedName, [srgb]);
        var levels = b.AddNode("Mul", "levels", [srgb, b.AddInitializer("255", [], [255f])]);
        b.AddNodeWithOutput("Round", PixelsName, [levels]);
        b.Graph.Output.Add(OnnxGraphBuilder.BatchedFloat(ColorizedName, OnnxExporter.BatchDimension, [3, s, s]));
        b.Graph.Output.Add(OnnxGraphBuilder.BatchedFloat(PixelsName, OnnxExporter.BatchDimension, [3, s, s]));

        var model = OnnxFormat.Model(b.Graph, props.GetValueOrDefault("project_version", ModelCard.DefaultVersion),
            $"RGB → Lab → {card.Loss} colorizer ({s}×{s}) → RGB, built by NeuralPipelines from {Path.GetFileName(source)}");
        model.Domain = "org.neuralpipelines";
        model.ModelVersion = 1;
        foreach (var (key, value) in Properties(props, card)) OnnxFormat.AddMetadata(model, key, value);
        // The U-Net's own checksum was copied with its card; the composite is summed anew.
        OnnxChecksum.Stamp(model);
        return (model, card);
    }

    public static (byte[] Bytes, ColorizerCard Card) BuildBytes(byte[] colorizerOnnx, string source)
    {
        var (model, card) = Build(colorizerOnnx, source);
        return (model.ToByteArray(), card);
    }

    private static ColorizerCard ReadCard(Dictionary<string, string> props, string source)
    {
        if (props.TryGetValue("architecture", out var architecture) && architecture == Architecture)
            throw new InvalidDataException($"{source}: already an RGB-in, RGB-out colorizing graph; give the colorizer's own export (np export --model colorizer.ckpt).");
        if (!props.ContainsKey("colorizer"))
            throw new InvalidDataException($"{source}: the ONNX model is {(architecture is null ? "not one exported by NeuralPipelines" : $"a {architecture}")}, not a colorizer (export one with np export --model colorizer.ckpt).");
        try { return ModelCard.FromProperties(props, source).Colorizer!; }
        catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
    }

    /// <summary>The colorizer's contract, checked before any node is copied: input [batch, 1, S, S], output scores [batch, 2, S, S].</summary>
    private static void CheckInterface(GraphProto graph, int size, string source)
    {
        string Shape(ValueInfoProto v) => "[" + string.Join(", ", v.Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam)) + "]";
        bool Fits(ValueInfoProto v, int channels) => v.Type?.TensorType?.Shape is { } shape && shape.Dim.Count == 4
            && shape.Dim.Skip(1).Select(d => d.DimValue).SequenceEqual([channels, size, size]);
        var input = graph.Input.FirstOrDefault(i => i.Name == ModelCard.InputName);
        var output = graph.Output.FirstOrDefault(o => o.Name == ModelCard.ScoresName);
        if (input is null || !Fits(input, 1))
            throw new InvalidDataException($"{source}: a colorizer's input '{ModelCard.InputName}' must be [batch, 1, {size}, {size}], this model's is {(input is null ? "missing" : Shape(input))}.");
        if (output is null || !Fits(output, 2))
            throw new InvalidDataException($"{source}: a colorizer's output '{ModelCard.ScoresName}' must be [batch, 2, {size}, {size}], this model's is {(output is null ? "missing" : Shape(output))}.");
    }

    /// <summary>The composite's metadata: the colorizer's provenance kept, its interface described anew. The "colorizer"
    /// entry is renamed so that nothing mistakes this graph for one that reads L.</summary>
    private static Dictionary<string, string> Properties(Dictionary<string, string> source, ColorizerCard card)
    {
        int s = card.Size;
        var p = new Dictionary<string, string>();
        foreach (var key in new[] { "training", "seed", "layers", "project_version" })
            if (source.TryGetValue(key, out var value)) p[key] = value;
        p["architecture"] = Architecture;
        p["input_name"] = InputName;
        p["input_shape"] = $"3,{s},{s}";
        p["input_layout"] = "NCHW";
        p["output_activation"] = Models.Settings.SettingNames.Name(Models.Losses.OutputActivation.None);
        p["outputs"] = $"{ColorizedName}: sRGB [batch, 3, {s}, {s}] in [0, 1], the input's lightness with the colorizer's chroma; {PixelsName}: the same ×255, rounded";
        p["colorizer_rgb"] = JsonSerializer.Serialize(new { size = s, loss = card.Loss, input = "sRGB in [0, 1], RGB planes", lightness = card.Lightness, chroma = card.Chroma });
        return p;
    }
}
