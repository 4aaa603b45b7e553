using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Onnx.Validation;

namespace NeuralPipelines.Onnx.Tests.Validation;

/// <summary>What a test suite gets when it misuses a <see cref="SavedModel"/>: an exception naming the problem, never a
/// NullReferenceException from inside or a crashed test host.</summary>
public sealed class SavedModelMisuseTests
{
    private static (TempFolder Temp, string Path) SmallOnnx()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var temp = new TempFolder();
        var path = temp.File("small.onnx");
        File.WriteAllBytes(path, onnx);
        return (temp, path);
    }

    private static LabelledImages Images(int count) => new("images", new float[count * 16], new int[count], 1, 4, 4, 3);

    [Fact]
    public void A_disposed_model_refuses_to_evaluate_instead_of_crashing_the_process()
    {
        var (temp, path) = SmallOnnx();
        using var _ = temp;
        var model = SavedModel.Load(path);
        Assert.Equal(2, model.Evaluate(Images(2)).Count);
        model.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => model.Evaluate(Images(2)));
        Assert.Contains(path, e.Message);
        model.Dispose();
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var (temp, path) = SmallOnnx();
        using var _ = temp;
        using var model = SavedModel.Load(path);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => model.Evaluate((LabelledImages)null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => model.EvaluateRegression((Microsoft.ML.IDataView)null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => model.EvaluateClassification((Microsoft.ML.IDataView)null!)).ParamName);
        Assert.Equal("csvPath", Assert.Throws<ArgumentNullException>(() => model.EvaluateRegression((string)null!, "y")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => SavedModel.Load(null!)).ParamName);
    }
}
