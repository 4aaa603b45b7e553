using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>ML.NET keeps a copy of every ONNX model it loads from bytes in <c>MLContext.TempFilePath</c> and never deletes
/// it; a <see cref="ScopedMLContext"/> keeps those copies in a folder of its own and removes it.</summary>
public sealed class ScopedMLContextTests
{
    [Fact]
    public void Loading_a_model_zip_leaves_its_copy_in_the_scope_folder_and_disposing_removes_the_folder()
    {
        using var work = new TempFolder();
        var (_, card, onnx) = TestModels.SmallMlp();
        var zip = work.File("mlp.zip");
        OnnxModelZip.Save(onnx, card, "Features", zip);

        var scope = new ScopedMLContext(seed: 0);
        var folder = scope.Context.TempFilePath;
        Assert.StartsWith(Path.GetTempPath(), folder);
        var model = MlNetOnnxLoads.LoadModel(scope.Context, zip, out var schema);
        Assert.Single(Directory.GetFiles(folder));
        // Still scores once the folder is gone: ONNX Runtime holds its own copy of the model.
        scope.Dispose();
        Assert.False(Directory.Exists(folder));
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[0].ColumnType = schema["Features"].Type;
        var rows = scope.Context.Data.LoadFromEnumerable([new Row { Features = TestModels.RandomRows(1, card.InputLength, seed: 4) }], definition);
        var scores = model.Transform(rows).GetColumn<float[]>(OnnxModelColumns.Score).Single();
        Assert.Equal(card.ClassLabels!.Count, scores.Length);
        (model as IDisposable)?.Dispose();
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
