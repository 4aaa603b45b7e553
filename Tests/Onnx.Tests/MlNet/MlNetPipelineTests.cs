using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>The ML.NET pipeline over an exported model: same scores as the batched scorer, saved and loaded as an ML.NET zip.</summary>
public sealed class MlNetPipelineTests
{
    public sealed class Row
    {
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private static (IDataView Data, float[] Flat) Rows(MLContext ml, int count, int seed)
    {
        var flat = TestModels.RandomRows(count, 16, seed);
        var rows = Enumerable.Range(0, count).Select(i => new Row { Features = flat[(i * 16)..((i + 1) * 16)] }).ToArray();
        return (ml.Data.LoadFromEnumerable(rows), flat);
    }

    private static float[][] Scores(IDataView scored) =>
        scored.GetColumn<VBuffer<float>>(OnnxModelColumns.Score).Select(v => v.DenseValues().ToArray()).ToArray();

    [Fact]
    public void The_pipeline_scores_like_the_batched_scorer()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var (data, flat) = Rows(ml, 40, 5);
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data);
        var scored = model.Transform(data);

        Assert.Equal(["Features", "Score", "PredictedLabel"], scored.Schema.Select(c => c.Name));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), scored.Schema["PredictedLabel"].Type);
        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions { PreferCuda = false });
        var expected = scorer.Score(flat, 40);
        var actual = Scores(scored);
        // Keys are 1-based: key k + 1 stands for class k.
        var predicted = scored.GetColumn<uint>(OnnxModelColumns.PredictedLabel).Select(k => (int)k - 1).ToArray();
        var classes = scorer.Predict(flat, 40);
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 3; j++) Assert.Equal(expected[i * 3 + j], actual[i][j], 1e-6f);
            Assert.Equal(classes[i], predicted[i]);
        }
    }

    [Fact]
    public void Model_save_then_load_scores_identically_and_predicts_single_rows()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var (data, flat) = Rows(ml, 25, 6);
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data);
        var before = Scores(model.Transform(data));

        using var temp = new TempFolder();
        var zip = temp.File("model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var fresh = new MLContext(2);
        var loaded = fresh.Model.Load(zip, out var schema);
        Assert.Equal("Features", Assert.Single(schema).Name);
        var after = Scores(loaded.Transform(data));
        Assert.Equal(before, after);

        var engine = fresh.Model.CreatePredictionEngine<Row, Prediction>(loaded);
        var one = engine.Predict(new Row { Features = flat[(3 * 16)..(4 * 16)] });
        Assert.Equal(before[3], one.Score);
        Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(before[3]) + 1, (int)one.PredictedLabel);
    }

    [Fact]
    public void PredictedLabel_is_a_key_whose_values_are_the_class_labels_in_the_saved_zip_too()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var (data, flat) = Rows(ml, 30, 7);
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data);
        using var temp = new TempFolder();
        var zip = temp.File("model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = new MLContext(3).Model.Load(zip, out _);

        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions { PreferCuda = false });
        string[] expected = scorer.Predict(flat, 30).Select(c => new[] { "a", "b", "c" }[c]).ToArray();
        foreach (var m in new[] { model, loaded })
        {
            var scored = m.Transform(data);
            VBuffer<ReadOnlyMemory<char>> keyValues = default;
            scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
            Assert.Equal(["a", "b", "c"], keyValues.DenseValues().Select(v => v.ToString()));
            var text = ml.Transforms.Conversion.MapKeyToValue("Species", "PredictedLabel").Fit(scored).Transform(scored);
            Assert.Equal(expected, text.GetColumn<string>("Species"));
        }
    }

    [Fact]
    public void Score_slots_are_named_after_the_classes_in_the_saved_zip_too()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var (data, _) = Rows(ml, 30, 7);
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data);
        using var temp = new TempFolder();
        var zip = temp.File("model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = new MLContext(3).Model.Load(zip, out _);
        foreach (var m in new[] { model, loaded })
        {
            var score = m.Transform(data).Schema["Score"];
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), score.Type);
            Assert.True(score.HasSlotNames(), "Score has no slot names");
            VBuffer<ReadOnlyMemory<char>> names = default;
            score.GetSlotNames(ref names);
            Assert.Equal(["a", "b", "c"], names.DenseValues().Select(v => v.ToString()));
        }
        // The exported file itself is left as written: only ML.NET's copy carries the names.
        var exported = global::Onnx.ModelProto.Parser.ParseFrom(onnx);
        Assert.Null(NamedScoreOutput.SlotNames(exported, OnnxModelColumns.Score));
        Assert.DoesNotContain(exported.Graph.Output, o => o.Name == OnnxModelColumns.Score);
    }

    [Fact]
    public void Slot_names_given_by_the_caller_replace_the_cards()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var (data, _) = Rows(ml, 5, 7);
        var scored = OnnxModelEstimators.Create(ml, onnx, "Features", classLabels: ["setosa", "versicolor", "virginica"]).Fit(data).Transform(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["Score"].GetSlotNames(ref names);
        Assert.Equal(["setosa", "versicolor", "virginica"], names.DenseValues().Select(v => v.ToString()));
    }

    [Fact]
    public void A_feature_column_of_the_wrong_size_is_refused_at_fit()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Wide { Features = new float[20] } });
        var e = Assert.Throws<ArgumentException>(() => OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data));
        Assert.StartsWith("Column 'Features' holds 20 Single values per row; the ONNX model's input 'input' takes a vector of 16 Single values.", e.Message);
    }

    [Fact]
    public void A_missing_feature_column_is_named_with_the_columns_the_data_has()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Wide { Features = new float[20] } });
        var e = Assert.Throws<ArgumentException>(() => OnnxModelEstimators.Create(ml, onnx, "Pixels").Fit(data));
        Assert.StartsWith("The data has no feature column 'Pixels' (its columns: Features).", e.Message);
    }

    private sealed class Wide { [VectorType(20)] public float[] Features { get; set; } = []; }
}

/// <summary>A saved zip is read by a separate process that knows nothing of NeuralPipelines.</summary>
public sealed class MlNetFreshProcessTests
{
    [Fact]
    public void A_fresh_plain_mlnet_process_loads_the_zip_and_scores_identically()
    {
        var (_, _, onnx) = TestModels.SmallMlp(seed: 9);
        var ml = new MLContext(1);
        var flat = TestModels.RandomRows(30, 16, 8);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 30).Select(i => new MlNetPipelineTests.Row { Features = flat[(i * 16)..((i + 1) * 16)] }));
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Fit(data);
        var here = model.Transform(data).GetColumn<VBuffer<float>>(OnnxModelColumns.Score).Select(v => v.DenseValues().ToArray()).ToArray();

        using var temp = new TempFolder();
        var zip = temp.File("model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var there = MlNetProbe.Score(zip, flat, temp.Path);
        Assert.Equal(here, there);
        Assert.Equal(["a", "b", "c"], MlNetProbe.SlotNames(zip, temp.Path));
    }
}
