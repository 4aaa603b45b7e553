using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Neural;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>ml.MulticlassClassification.Trainers.NeuralNetwork on real MNIST rows: trains, scores, saves, loads in a fresh
/// process and scores the same; the batched scorer agrees with PredictionEngine.</summary>
public sealed class NeuralNetworkTrainerTests
{
    private static readonly Lazy<(NeuralNetworkTransformer Model, IDataView Train)> Trained = new(() => Train(MnistRows.Train(2000)));

    /// <summary>The same estimator fitted to the same digits with their labels shuffled: the wrong model every gate of the
    /// shared run must refuse.</summary>
    private static readonly Lazy<(NeuralNetworkTransformer Model, IDataView Train)> TrainedOnShuffledLabels =
        new(() => Train(WrongLabels.Shuffled(MnistRows.Train(2000))));

    private static (NeuralNetworkTransformer Model, IDataView Train) Train(LabelledImages digits)
    {
        var ml = new MLContext(1);
        var train = MnistRows.View(ml, digits);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
        {
            HiddenLayers = [32], Epochs = 3, BatchSize = 20, LearningRate = 0.05f, Normalize = true, Seed = 3,
        }).Fit(train);
        return (model, train);
    }

    private static readonly AccuracyGate HeldOut = new(0.816, "ML.NET estimator, MLP, 3 epochs, accuracy on 500 held-out digits");
    private static readonly AccuracyGate Card = new(0.865, "the card's test_accuracy (the estimator's own split)");
    private static readonly AccuracyGate Evaluator = new(0.816, "ML.NET evaluator, micro accuracy");
    private static readonly AccuracyGate ImageView = new(0.69, "MLP [16], 2 epochs on 540 digits, accuracy on 300");
    private static readonly AccuracyGate Zoo = new(0.7533, "LeNet-5 after one epoch on 900 digits, accuracy on 300");

    /// <summary>Accuracy on the first 500 test digits, counted from PredictedLabel.</summary>
    private static double HeldOutAccuracy(NeuralNetworkTransformer model)
    {
        var test = MnistRows.Test(500);
        var scored = model.Transform(MnistRows.View(new MLContext(2), test));
        var predicted = scored.GetColumn<uint>(OnnxModelColumns.PredictedLabel).Select(k => (int)k - 1).ToArray();
        return predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    }

    /// <summary>ML.NET's evaluator on the first 500 test digits (an Int32 label becomes float: v means class v).</summary>
    private static (MulticlassClassificationMetrics Metrics, IDataView Scored) Evaluate(NeuralNetworkTransformer model)
    {
        var ml = new MLContext(2);
        var test = MnistRows.View(ml, MnistRows.Test(500));
        var data = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(test).Transform(test);
        var scored = model.Transform(data);
        return (ml.MulticlassClassification.Evaluate(scored), scored);
    }

    /// <summary>The accuracy on 300 test digits of a network trained on <paramref name="digits"/> through an ImageDataView.</summary>
    private static double ImageViewAccuracy(LabelledImages digits)
    {
        var ml = new MLContext(1);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions { HiddenLayers = [16], Epochs = 2, BatchSize = 20, Seed = 4 })
            .Fit(ImageDataView.Create(ml, digits));
        return ml.MulticlassClassification.Evaluate(model.Transform(ImageDataView.Create(ml, MnistRows.Test(300)))).MicroAccuracy;
    }

    /// <summary>The accuracy on 300 test digits, through the batched scorer, of LeNet-5 after one epoch on <paramref name="digits"/>.</summary>
    private static (double Accuracy, string? Architecture) ZooAccuracy(LabelledImages digits)
    {
        var ml = new MLContext(1);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
        {
            Architecture = "lenet5", Epochs = 1, BatchSize = 20, LearningRate = 0.05f, Seed = 2,
        }).Fit(MnistRows.View(ml, digits));
        var test = MnistRows.Test(300);
        using var scorer = model.CreateScorer(new OnnxScorerOptions { PreferCuda = false });
        return (scorer.Predict(test.Pixels, test.Count).Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count, model.Card.Architecture);
    }

    /// <summary>Every gate of this class refuses the same estimator fitted to the same digits with shuffled labels, scored the same way.</summary>
    [Fact]
    public void Every_gate_refuses_the_same_estimator_trained_on_shuffled_labels()
    {
        var (wrong, _) = TrainedOnShuffledLabels.Value;
        const string defect = "shuffled training labels";
        HeldOut.Refuses(HeldOutAccuracy(wrong), defect);
        Card.Refuses(wrong.Card.Metrics!["test_accuracy"], defect);
        Evaluator.Refuses(Evaluate(wrong).Metrics.MicroAccuracy, defect);
        ImageView.Refuses(ImageViewAccuracy(WrongLabels.Shuffled(MnistRows.Train(600))), defect);
        Zoo.Refuses(ZooAccuracy(WrongLabels.Shuffled(MnistRows.Train(1000))).Accuracy, defect);
    }

    [Fact]
    public void It_learns_mnist_and_reports_it_in_the_model_card()
    {
        var (model, _) = Trained.Value;
        HeldOut.Check(HeldOutAccuracy(model));

        Assert.Equal("mlp", model.Card.Architecture);
        Assert.Equal([1, 28, 28], model.Card.InputShape);
        Assert.Equal(3, model.Card.Seed);
        Assert.NotNull(model.Card.Normalization);
        Assert.Equal(3, model.Card.Metrics!["epochs_completed"]);
        Card.Check(model.Card.Metrics["test_accuracy"]);
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
        var test = MnistRows.Test(500);
        // ML.NET's evaluator takes a key or a float label (a float v meaning class v); the digits' Int32 label becomes float.
        var (metrics, scored) = Evaluate(model);

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
        Evaluator.Check(metrics.MicroAccuracy);
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
        ImageView.Check(metrics.MicroAccuracy);
        Assert.Equal(metrics.MicroAccuracy, ImageViewAccuracy(MnistRows.Train(600)), 12); // what the planted test reads
    }

    [Fact]
    public void A_zoo_network_trains_through_the_same_estimator()
    {
        var (accuracy, architecture) = ZooAccuracy(MnistRows.Train(1000));
        Assert.Equal("lenet5", architecture);
        Zoo.Check(accuracy);
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
    public void A_feature_that_is_not_a_number_is_refused_naming_its_row_and_slot()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 20).Select(i => new FloatRow { Features = new float[5], Label = i % 2 }).ToArray();
        rows[6].Features[3] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions { HiddenLayers = [4], Epochs = 1, BatchSize = 5 }).Fit(data));
        Assert.StartsWith("Row 7:", e.Message);
        Assert.Contains("'Features'", e.Message);
        Assert.Contains("slot 3", e.Message);
    }

    /// <summary>Audit K3: a label of one class trained a network that answers that class for every input, without a word;
    /// a key with room for more classes than the rows hold is refused too.</summary>
    [Fact]
    public void A_label_of_one_class_is_refused_naming_the_column_and_the_class()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 20).Select(i => new FloatRow { Features = Enumerable.Range(0, 5).Select(j => (float)(i * j % 7)).ToArray(), Label = 3 }).ToArray();
        var options = new NeuralNetworkOptions { HiddenLayers = [4], Epochs = 1, BatchSize = 5 };
        var e = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("'Label' holds one class only ('3' in all 20 rows)", e.Message);

        var cats = ml.Data.LoadFromEnumerable(rows.Select(r => new TextLabelRow { Features = r.Features, Label = "cat" }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(new[] { new TextLabel { Label = "cat" }, new TextLabel { Label = "dog" } }))
            .Fit(cats).Transform(cats);
        e = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(keyed));
        Assert.Contains("'Label' holds one class only ('cat' in all 20 rows)", e.Message);
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

    private sealed class FloatRow
    {
        [VectorType(5)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    private sealed class TextLabel
    {
        public string Label { get; set; } = "";
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
