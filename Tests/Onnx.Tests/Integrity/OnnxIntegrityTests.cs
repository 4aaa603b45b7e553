using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.Integrity;

/// <summary>Our ONNX files carry a checksum that every loader checks; foreign ones (no checksum) are still accepted;
/// initializers must hold what their dims declare, and ours must be finite (issue 13, points 2 and 3).</summary>
public class OnnxIntegrityTests
{
    private static readonly OnnxScorerOptions Quiet = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    private static ModelProto Parse(byte[] onnx) => ModelProto.Parser.ParseFrom(onnx);

    private static float[] Score(byte[] onnx, float[] x)
    {
        using var scorer = new OnnxScorer(onnx, Quiet, "m.onnx");
        return scorer.Score(x, x.Length / 16);
    }

    [Fact]
    public void An_export_records_its_checksum_and_loads()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var entry = Assert.Single(Parse(onnx).MetadataProps, p => p.Key == OnnxChecksum.Key);
        Assert.Matches("^[0-9a-f]{8}$", entry.Value);
        Assert.True(OnnxChecksum.Verify(Parse(onnx), "m.onnx"));
        Assert.Equal(3 * 5, Score(onnx, TestModels.RandomRows(5, 16, 2)).Length);
    }

    [Fact]
    public void A_changed_weight_or_card_is_refused_by_every_loader_naming_the_file()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var weight = Parse(onnx);
        var w = weight.Graph.Initializer.First(i => i.Dims.Count == 2);
        var raw = w.RawData.ToByteArray();
        raw[9] ^= 1; // the low mantissa bit of one weight: still finite, still plausible
        w.RawData = ByteString.CopyFrom(raw);
        var label = Parse(onnx);
        var labels = label.MetadataProps.First(p => p.Key == "class_labels");
        labels.Value = labels.Value.Replace("b", "B");

        using var folder = new TempFolder();
        foreach (var damaged in new[] { weight.ToByteArray(), label.ToByteArray() })
        {
            var path = folder.File("d.onnx");
            File.WriteAllBytes(path, damaged);
            foreach (Action load in new Action[]
            {
                () => OnnxScorer.Load(path, Quiet).Dispose(),
                () => OnnxModelInfo.Card(File.ReadAllBytes(path), path),
                () => OnnxColorizer.Load(path, Quiet),
            })
            {
                var e = Assert.Throws<InvalidDataException>(load);
                Assert.StartsWith(path + ":", e.Message);
                Assert.Contains("CRC-32C", e.Message);
            }
        }
    }

    [Fact]
    public void A_foreign_model_without_a_checksum_still_loads_and_scores_the_same()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var foreign = Parse(onnx);
        var entry = foreign.MetadataProps.First(p => p.Key == OnnxChecksum.Key);
        foreign.MetadataProps.Remove(entry);
        Assert.False(OnnxChecksum.Verify(foreign, "f.onnx"));
        var x = TestModels.RandomRows(4, 16, 3);
        Assert.Equal(Score(onnx, x), Score(foreign.ToByteArray(), x));
    }

    [Fact]
    public void An_initializer_whose_dims_claim_more_than_it_holds_is_refused_before_onnx_runtime_sees_it()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var liar = Parse(onnx);
        var w = liar.Graph.Initializer.First(i => i.Dims.Count == 2);
        w.Dims[0] = 1_000_000_000; // a billion rows of weights in a few hundred bytes
        liar.MetadataProps.Remove(liar.MetadataProps.First(p => p.Key == OnnxChecksum.Key)); // as a foreign file would be
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Score(liar.ToByteArray(), TestModels.RandomRows(1, 16, 1)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.StartsWith("m.onnx: initializer", e.Message);
        Assert.Contains("1,000,000,000", e.Message.Replace("1000000000", "1,000,000,000"));
        Assert.Contains("but holds", e.Message);
        OnnxChecksum.Stamp(liar); // a lie with a fresh checksum is still a lie
        Assert.Contains("but holds", Assert.Throws<InvalidDataException>(() => Score(liar.ToByteArray(), TestModels.RandomRows(1, 16, 1))).Message);
    }

    [Theory]
    [InlineData("initializer")]
    [InlineData("constant")]
    public void A_tensor_kept_in_an_external_file_is_refused_naming_the_model_and_no_file_is_read(string where)
    {
        // ONNX Runtime, handed bytes, would resolve 'weights.bin' against the process's current folder, whatever
        // folder the model is in, and allocate whatever the tensor declares.
        var (_, _, onnx) = TestModels.SmallMlp();
        var model = Parse(onnx);
        var w = model.Graph.Initializer.First(i => i.Dims.Count == 2);
        var external = w.Clone();
        external.RawData = ByteString.Empty;
        external.DataLocation = TensorProto.Types.DataLocation.External;
        external.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        model.Graph.Initializer.Remove(w);
        if (where == "initializer") model.Graph.Initializer.Add(external);
        else
        {
            var constant = new NodeProto { OpType = "Constant", Name = "c" };
            constant.Output.Add(w.Name);
            constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = external });
            model.Graph.Node.Insert(0, constant);
        }
        OnnxChecksum.Stamp(model);

        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("weights.bin"), w.RawData.ToByteArray()); // beside the model: still refused
        var path = folder.File("m.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(path, Quiet).Dispose());
        Assert.StartsWith($"{path}: tensor '{w.Name}' keeps its values in an external file ('weights.bin')", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.Contains("external file", Assert.Throws<InvalidDataException>(() => OnnxIntegrity.Check(model.ToByteArray(), "m.onnx")).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_weight_is_refused_in_our_models_and_left_to_the_author_in_foreign_ones(float value)
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var model = Parse(onnx);
        var w = model.Graph.Initializer.First(i => i.Dims.Count == 2);
        var raw = w.RawData.ToByteArray();
        BitConverter.TryWriteBytes(raw.AsSpan(4 * 6), value);
        w.RawData = ByteString.CopyFrom(raw);
        OnnxChecksum.Stamp(model); // written so, not damaged on the way
        var e = Assert.Throws<InvalidDataException>(() => Score(model.ToByteArray(), TestModels.RandomRows(1, 16, 1)));
        Assert.StartsWith($"m.onnx: initializer '{w.Name}' holds", e.Message);
        Assert.Contains("at index 6", e.Message);

        // A model from elsewhere (no checksum, no card) may hold −∞ on purpose, an attention mask say.
        model.MetadataProps.Clear();
        Assert.Equal(3, Score(model.ToByteArray(), TestModels.RandomRows(1, 16, 1)).Length);
    }
}
