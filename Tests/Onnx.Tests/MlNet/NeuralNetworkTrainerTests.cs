using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Neural;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>ml.MulticlassClassification.Trainers.NeuralNetwork on real MNIST rows: trains, scores, saves, loads in a fresh
/// process and scores the same; the batched scorer agrees with PredictionEngine.</summary>
public sealed class NeuralNetworkTrainerTests
{
    private static readonly Lazy<(NeuralNetworkTransformer Model, IDataView Train)> Trained = new(() =>
    {
        var ml = new MLContext(1);
        var train = MnistRows.View(ml, MnistRows.Train(2000));
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
        {
            HiddenLayers = [32], Epochs = 3, BatchSize = 20, LearningRate = 0.05f, Normalize = true, Seed = 3,
        }).Fit(train);
        return (model, train);
    });

    [Fact]
    public void It_learns_mnist_and_reports_it_in_the_model_card()
    {
        var (model, _) = Trained.Value;
        var ml = new MLContext(2);
        var test = MnistRows.Test(500);
        var scored = model.Transform(MnistRows.View(ml, test));
        var predicted = scored.GetColumn<uint>(OnnxModelColumns.PredictedLabel).Select(k => (int)k - 1).ToArray();
        double accuracy = predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
        AccuracyBar.AtLeast(accuracy, measured: 0.816, "ML.NET estimator, MLP, 3 epochs, accuracy on 500 held-out digits");

        Assert.Equal("mlp", model.Card.Architecture);
        Assert.Equal([1, 28, 28], model.Card.InputShape);
        Assert.Equal(3, model.Card.Seed);
        Assert.NotNull(model.Card.Normalization);
        Assert.Equal(3, model.Card.Metrics!["epochs_completed"]);
        AccuracyBar.AtLeast(model.Card.Metrics["test_accuracy"], measured: 0.865, "the card's test_accuracy (the estimator's own split)");
        Assert.Equal(3, model.Training!.History.Count);
    }

    [Fact]
    public void The_batched_scorer_and_the_prediction_engine_agree_row_by_row()
    {
        var (model, _) = Trained.Value;
        var ml = new MLContext(2);
        var test = MnistRows.Test(50);
        using var scorer = model.CreateScorer(new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 });
        var batched = scorer.Score(test.Pixels, test.Count);
        var engine = ml.Model.CreatePredictionEngine<MnistRows.Row, MnistRows.Prediction>(model);
        var rows = MnistRows.Rows(test);
        for (int i = 0; i < rows.Length; i++)
        {
            var one = engine.Predict(rows[i]);
            for (int j = 0; j < 10; j++) Assert.Equal(batched[i * 10 + j], one.Score[j], 1e-5f);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(batched.AsSpan(i * 10, 10)) + 1, (int)one.PredictedLabel);
        }
    }

    [Fact]
    public void A_saved_model_loads_in_a_fresh_process_and_scores_identically()
    {
        var (model, train) = Trained.Value;
        var ml = new MLContext(2);
        var test = MnistRows.Test(100);
        var here = model.Transform(MnistRows.View(ml, test)).GetColumn<VBuffer<float>>(OnnxModelColumns.Score)
            .Select(v => v.DenseValues().ToArray()).ToArray();
        using var temp = new TempFolder();
        var zip = temp.File("mnist-mlp.zip");
        ml.Model.Save(model, train.Schema, zip);
        var there = MlNetProbe.Score(zip, test.Pixels, temp.Path);
        Assert.Equal(here, there);
    }

    [Fact]
    public void MlNets_multiclass_evaluator_reads_the_output_unchanged()
    {
        var (model, _) = Trained.Value;
        var ml = new MLContext(2);
        var test = MnistRows.Test(500);
        // ML.NET's evaluator takes a key or a float label (a float v meaning class v); the digits' Int32 label becomes float.
        var data = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(MnistRows.View(ml, test)).Transform(MnistRows.View(ml, test));
        var scored = model.Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);

        var scores = scored.GetColumn<float[]>(OnnxModelColumns.Score).ToArray();
        int correct = 0;
        double logLoss = 0;
        for (int i = 0; i < test.Count; i++)
        {
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores[i]) == test.Labels[i]) correct++;
            logLoss -= Math.Log(Math.Max(scores[i][test.Labels[i]], 1e-15));
        }
        Assert.Equal(correct / (double)test.Count, metrics.MicroAccuracy, 12);
        Assert.Equal(logLoss / test.Count, metrics.LogLoss, 4);
        AccuracyBar.AtLeast(metrics.MicroAccuracy, measured: 0.816, "ML.NET evaluator, micro accuracy");
        Assert.Equal(10, metrics.PerClassLogLoss.Count);
    }

    [Fact]
    public void On_an_ImageDataView_the_evaluator_needs_no_conversion_and_the_labels_are_the_digit_names()
    {
        var ml = new MLContext(1);
        var train = ImageDataView.Create(ml, MnistRows.Train(600));
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions { HiddenLayers = [16], Epochs = 2, BatchSize = 20, Seed = 4 }).Fit(train);
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString()), model.Card.ClassLabels);
        var test = MnistRows.Test(300);
        var scored = model.Transform(ImageDataView.Create(ml, test));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var predicted = scored.GetColumn<uint>(OnnxModelColumns.PredictedLabel).Select(k => (int)k - 1).ToArray();
        Assert.Equal(predicted.Zip(test.Labels).Count(p => p.First == p.Second) / 300.0, metrics.MicroAccuracy, 12);
        AccuracyBar.AtLeast(metrics.MicroAccuracy, measured: 0.69, "MLP [16], 2 epochs on 540 digits, accuracy on 300");
    }

    [Fact]
    public void A_zoo_network_trains_through_the_same_estimator()
    {
        var ml = new MLContext(1);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
        {
            Architecture = "lenet5", Epochs = 1, BatchSize = 20, LearningRate = 0.05f, Seed = 2,
        }).Fit(MnistRows.View(ml, MnistRows.Train(1000)));
        var test = MnistRows.Test(300);
        using var scorer = model.CreateScorer(new OnnxScorerOptions { PreferCuda = false });
        double accuracy = scorer.Predict(test.Pixels, test.Count).Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
        Assert.Equal("lenet5", model.Card.Architecture);
        AccuracyBar.AtLeast(accuracy, measured: 0.7533, "LeNet-5 after one epoch on 900 digits, accuracy on 300");
    }

    [Fact]
    public void A_feature_column_of_doubles_is_refused_naming_the_column_and_its_type()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Features = new double[4], Label = 0 } });
        var trainer = ml.MulticlassClassification.Trainers.NeuralNetwork();
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("'Features'", e.Message);
        Assert.Contains("Double", e.Message);
    }

    [Fact]
    public void A_text_label_is_refused_with_a_hint()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Features = new float[5], Label = "cat" } });
        var e = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.NeuralNetwork().Fit(data));
        Assert.Contains("'Label'", e.Message);
        Assert.Contains("MapValueToKey", e.Message);
    }

    [Fact]
    public void Key_labels_keep_their_names_as_class_labels()
    {
        var ml = new MLContext(1);
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 60).Select(i => new TextLabelRow
        {
            Label = i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue",
            Features = Enumerable.Range(0, 5).Select(j => (float)(j == i % 3 ? 1 + rng.NextDouble() : rng.NextDouble())).ToArray(),
        });
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions { HiddenLayers = [8], Epochs = 2, BatchSize = 10 }).Fit(data);
        Assert.Equal(["red", "green", "blue"], model.Card.ClassLabels);
        Assert.Equal([1, 1, 5], model.Card.InputShape);
    }

    [Fact]
    public void An_input_shape_that_does_not_fit_the_vector_names_both()
    {
        var ml = new MLContext(1);
        var data = MnistRows.View(ml, MnistRows.Train(10));
        var e = Assert.Throws<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions { InputShape = [1, 32, 32] }).Fit(data));
        Assert.Contains("[1×32×32]", e.Message);
        Assert.Contains("784", e.Message);
    }

    private sealed class DoubleRow
    {
        [VectorType(4)] public double[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    private sealed class TextLabelRow
    {
        [VectorType(5)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }
}
