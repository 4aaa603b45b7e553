using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>The ML.NET side of <c>score-race</c>: <c>ApplyOnnxModel</c> used as its documentation shows, end to end, with
/// the same input and the same output writer as <c>np score</c>, so that only the model application differs.</summary>
/// <remarks>
/// One IDataView in (ML.NET's own multi-threaded <c>TextLoader</c> for the CSV; <c>LoadFromEnumerable</c> over the same
/// streaming IDX reader <c>np score</c> uses, ML.NET's way in for data it has no loader for), one lazy <c>Transform</c>
/// with nothing but <c>ApplyOnnxModel</c> (OnnxOptions: the model file, the input and output names, the same
/// intra-op thread count as np score and raw ORT, one inter-op thread), one cursor reading the probabilities column with a
/// getter, and the predictions written through <see cref="PredictionWriter"/> into the atomic file, as np score writes them.
/// </remarks>
public static class MlNetScoring
{
    private const int Pixels = 784;

    public static void FromCsv(string model, string csv, string outputPath, int threads)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile(csv,
            [new TextLoader.Column("label", DataKind.String, 0), new TextLoader.Column(ModelCard.InputName, DataKind.Single, 1, Pixels)],
            separatorChar: ',', hasHeader: true);
        Score(ml, model, data, outputPath, threads);
    }

    public static void FromIdx(string model, string idx, string outputPath, int threads)
    {
        var ml = new MLContext(seed: 1);
        using var source = new IdxRows(idx, "test", [1, 28, 28], model);
        Score(ml, model, ml.Data.LoadFromEnumerable(Stream(source)), outputPath, threads);
    }

    private sealed class PixelRow
    {
        [ColumnName("label")] public string Label = "";
        [ColumnName(ModelCard.InputName), VectorType(Pixels)] public float[] Input = [];
    }

    private static IEnumerable<PixelRow> Stream(IdxRows source)
    {
        var chunk = new RowChunk(4096, Pixels, 1);
        bool more = true;
        while (more)
        {
            chunk.Clear();
            more = source.Fill(chunk, Shard.All);
            for (int r = 0; r < chunk.Count; r++) yield return new PixelRow { Label = chunk.Labels[r]!, Input = chunk.Input(r).ToArray() };
        }
    }

    private static void Score(MLContext ml, string model, IDataView data, string outputPath, int threads)
    {
        var onnx = ml.Transforms.ApplyOnnxModel(new OnnxOptions
        {
            ModelFile = model,
            InputColumns = [ModelCard.InputName],
            OutputColumns = [ModelCard.ProbabilitiesName],
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            FallbackToCpu = true,
        });
        var transformer = onnx.Fit(data);
        try
        {
            var scored = transformer.Transform(data);
            var probabilities = scored.Schema[ModelCard.ProbabilitiesName];
            var label = scored.Schema["label"];
            int classes = ((VectorDataViewType)probabilities.Type).Size;
            AtomicFile.Write(outputPath, stream =>
            {
                using var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, hasItems: false, hasLabels: true, classes, null);
                writer.Begin();
                var chunk = new RowChunk(4096, 1, classes);
                using var cursor = scored.GetRowCursor([probabilities, label]);
                var getScores = cursor.GetGetter<VBuffer<float>>(probabilities);
                var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(label);
                VBuffer<float> scores = default;
                ReadOnlyMemory<char> text = default;
                long row = 0;
                while (cursor.MoveNext())
                {
                    getScores(ref scores);
                    getLabel(ref text);
                    int r = chunk.Count++;
                    scores.CopyTo(chunk.Outputs, r * classes);
                    chunk.Labels[r] = text.ToString();
                    chunk.Rows[r] = row++;
                    if (chunk.Count == chunk.Capacity) { writer.Write(chunk); chunk.Clear(); }
                }
                writer.Write(chunk);
                writer.Flush();
            });
        }
        finally { (transformer as IDisposable)?.Dispose(); }
    }
}
