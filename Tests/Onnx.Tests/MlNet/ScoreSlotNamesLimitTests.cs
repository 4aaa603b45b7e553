using System.Reflection;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Tests.Support;
using OnnxProto = global::Onnx;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>The routes to slot names on <c>Score</c> that ML.NET 5 does not allow (issue 12, point 3), tried on a real
/// exported classifier. The pipeline names the slots another way, through ML.NET's own slot-name node in the graph
/// (<see cref="NeuralPipelines.Onnx.MlNet.NamedScoreOutput"/>); these canaries record why that node is needed, and fail
/// when an ML.NET upgrade opens one of the plainer routes.</summary>
/// <remarks>Concatenation names a slot after its source only when the source is a scalar (by its alias, or its column
/// name when it has none); a vector source lends only slot names it already has. So the probabilities would have to
/// reach ML.NET as K scalar columns, and the ONNX transformer cannot give a scalar it can also read.</remarks>
public sealed class ScoreSlotNamesLimitTests
{
    private static readonly string[] Labels = ["a", "b", "c"];

    [Fact]
    public void Concatenation_with_aliases_is_not_public()
    {
        var options = typeof(ColumnConcatenatingTransformer).GetNestedType("ColumnOptions", BindingFlags.Public | BindingFlags.NonPublic);
        Assert.NotNull(options);
        Assert.False(options.IsNestedPublic);
        Assert.DoesNotContain(typeof(ColumnConcatenatingTransformer).GetConstructors(), c => c.GetParameters().Length > 0);
    }

    [Fact]
    public void One_output_per_class_reaches_mlnet_as_one_slot_vectors_and_their_concatenation_has_no_slot_names()
    {
        var ml = new MLContext(1);
        var (data, model) = ScoreWithClassOutputs(ml, rankZero: false);
        var scored = model.Transform(data);
        Assert.All(Labels, l => Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), scored.Schema[l].Type));
        // The values arrive intact: the concatenation equals the model's own probabilities...
        var probabilities = scored.GetColumn<VBuffer<float>>(ModelCard.ProbabilitiesName).Select(v => v.DenseValues().ToArray()).ToArray();
        var concatenated = scored.GetColumn<VBuffer<float>>("Named").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.Equal(probabilities, concatenated);
        // ...but a one-slot vector without slot names lends the concatenation none.
        Assert.False(scored.Schema["Named"].HasSlotNames());
    }

    [Fact]
    public void Rank_zero_outputs_name_the_slots_but_the_onnx_transformer_cannot_read_them()
    {
        var ml = new MLContext(1);
        var (data, model) = ScoreWithClassOutputs(ml, rankZero: true);
        var scored = model.Transform(data);
        Assert.All(Labels, l => Assert.Equal(NumberDataViewType.Single, scored.Schema[l].Type));
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["Named"].GetSlotNames(ref names);
        Assert.Equal(Labels, names.DenseValues().Select(n => n.ToString()));
        // ML.NET reads a scalar-typed ONNX output as a map or sequence, and a tensor is neither.
        // (ML.NET wraps it when it reads on a worker thread.)
        var e = Assert.ThrowsAny<Exception>(() => scored.GetColumn<VBuffer<float>>("Named").ToArray());
        Assert.IsType<ArgumentNullException>(e as ArgumentNullException ?? e.InnerException);
    }

    /// <summary>The small test classifier with one output per class (a Gather over its probabilities, named after the
    /// class), scored by ML.NET's ONNX transformer and concatenated into "Named" by ML.NET's public Concatenate. With
    /// <paramref name="rankZero"/> each output is the first row's probability as a rank-0 tensor (ML.NET feeds one row).</summary>
    private static (IDataView Data, ITransformer Model) ScoreWithClassOutputs(MLContext ml, bool rankZero)
    {
        var (_, _, onnx) = TestModels.SmallMlp(seed: 9);
        var graph = OnnxProto.ModelProto.Parser.ParseFrom(onnx);
        string source = ModelCard.ProbabilitiesName;
        if (rankZero)
        {
            Gather(graph.Graph, source, "np_row", 0, axis: 0);
            source = "np_row";
        }
        for (int k = 0; k < Labels.Length; k++)
        {
            Gather(graph.Graph, source, Labels[k], k, axis: rankZero ? 0 : 1);
            graph.Graph.Output.Add(rankZero ? OnnxGraphBuilder.Float(Labels[k], []) : OnnxGraphBuilder.BatchedFloat(Labels[k], OnnxExporter.BatchDimension, []));
        }
        var flat = TestModels.RandomRows(5, 16, 8);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new MlNetPipelineTests.Row { Features = flat[(i * 16)..((i + 1) * 16)] }));
        var model = ml.Transforms.CopyColumns(ModelCard.InputName, "Features")
            .Append(ml.Transforms.ApplyOnnxModel([ModelCard.ProbabilitiesName, .. Labels], [ModelCard.InputName], new MemoryStream(graph.ToByteArray(), writable: false)))
            .Append(ml.Transforms.Concatenate("Named", Labels))
            .Fit(data);
        return (data, model);
    }

    private static void Gather(OnnxProto.GraphProto graph, string input, string output, long index, long axis)
    {
        var indexTensor = new OnnxProto.TensorProto { Name = output + "_index", DataType = (int)OnnxProto.TensorProto.Types.DataType.Int64 };
        indexTensor.Int64Data.Add(index);
        graph.Initializer.Add(indexTensor);
        var node = new OnnxProto.NodeProto { OpType = "Gather", Name = output + "_gather" };
        node.Input.Add(input);
        node.Input.Add(indexTensor.Name);
        node.Output.Add(output);
        node.Attribute.Add(OnnxGraphBuilder.Attribute("axis", axis));
        graph.Node.Add(node);
    }
}
