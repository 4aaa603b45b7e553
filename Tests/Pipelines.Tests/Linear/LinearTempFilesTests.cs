using Microsoft.ML;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests.Linear;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TempFolderCountCollection
{
    /// <summary>Tests that count the files in the process's temp folder, which tests running beside them would add to.</summary>
    public const string Name = "counts the temp folder's files";
}

/// <summary>A linear regression fitted through ML.NET's catalog and then disposed leaves no copy of its ONNX model in the
/// temp folder: the catalog's trainers built their scorer in a context of their own (ML.NET keeps a catalog's context
/// internal), which no caller's ScopedMLContext could reach, so every fit left ML.NET's copy in /tmp for good.</summary>
[Collection(TempFolderCountCollection.Name)]
public class LinearTempFilesTests
{
    [Fact]
    public void Fitting_and_disposing_a_linear_regression_leaves_no_copy_of_its_model_behind()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var before = Directory.GetFiles(Path.GetTempPath());
        for (int i = 0; i < 2; i++)
        {
            var features = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames]);
            using var closed = features.Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "target")).Fit(data);
            using var descent = features.Append(ml.Regression.Trainers.GradientDescent(labelColumnName: "target", epochs: 10)).Fit(data);
            Assert.NotNull(closed.Transform(data).Schema.GetColumnOrNull("Score"));
        }
        Assert.Empty(Directory.GetFiles(Path.GetTempPath()).Except(before));
    }
}
