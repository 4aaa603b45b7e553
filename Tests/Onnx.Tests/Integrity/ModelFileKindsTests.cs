using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.Integrity;

/// <summary>A model file is told by its bytes, whatever its name, and text, images and damaged files are not taken for
/// one: what keeps an output from replacing a model with CSV or JSON (audit M1).</summary>
public class ModelFileKindsTests
{
    [Fact]
    public void Checkpoints_zips_and_onnx_models_are_told_by_their_content_whatever_their_name()
    {
        using var temp = new TempFolder();
        var (_, card, onnx) = TestModels.SmallMlp();
        var ours = temp.File("scores.csv");
        File.WriteAllBytes(ours, onnx);
        var zip = temp.File("model.bin");
        OnnxModelZip.Save(onnx, card, "Features", zip);
        var checkpoint = temp.File("report.json");
        File.WriteAllBytes(checkpoint, [.. CheckpointFile.Magic, 0, 0, 0, 0]);
        // Another producer's model: fields in another order, a doc string and metadata, an older IR version.
        var foreign = new ModelProto { ProducerName = "pytorch", DocString = "x", Graph = new GraphProto { Name = "g" }, IrVersion = 7 };
        foreign.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        foreign.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        var other = temp.File("other.onnx");
        File.WriteAllBytes(other, foreign.ToByteArray());

        Assert.Equal(ModelFileKind.Onnx, ModelFileKinds.Of(ours));
        Assert.Equal(ModelFileKind.Onnx, ModelFileKinds.Of(other));
        Assert.Equal(ModelFileKind.Zip, ModelFileKinds.Of(zip));
        Assert.Equal(ModelFileKind.Checkpoint, ModelFileKinds.Of(checkpoint));
    }

    [Fact]
    public void Text_images_empty_truncated_and_missing_files_are_not_models()
    {
        using var temp = new TempFolder();
        var (_, _, onnx) = TestModels.SmallMlp();
        var cases = new Dictionary<string, byte[]>
        {
            ["p.csv"] = "row,label,predicted_class,predicted_label,score_0\n0,7,7,7,0.9\n"u8.ToArray(),
            ["r.json"] = "{\n  \"model\": \"m.onnx\",\n  \"accuracy\": 0.97\n}\n"u8.ToArray(),
            ["s.png"] = [0x89, .. "PNG\r\n\x1a\n"u8, 0, 0, 0, 13, .. "IHDR"u8, 0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0],
            ["zip.txt"] = "PK is how this note starts"u8.ToArray(),
            ["empty.onnx"] = [],
            ["half.onnx"] = onnx[..(onnx.Length / 2)],
            ["no-graph.onnx"] = new ModelProto { IrVersion = 8, ProducerName = "x" }.ToByteArray(),
        };
        foreach (var (name, bytes) in cases)
        {
            var path = temp.File(name);
            File.WriteAllBytes(path, bytes);
            Assert.True(ModelFileKinds.Of(path) == ModelFileKind.None, name);
        }
        Assert.Equal(ModelFileKind.None, ModelFileKinds.Of(temp.File("missing.onnx")));
        Assert.Equal(ModelFileKind.None, ModelFileKinds.Of(temp.Path));
    }
}
