using Microsoft.ML.OnnxRuntime;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>Raw ONNX Runtime end to end: the loop a developer writes around <c>InferenceSession.Run</c> to score a file
/// into a file, for <c>score-race</c>'s "raw ORT loop" rows.</summary>
/// <remarks>Issue 15 asks for np score ≥ 0.9× raw ONNX Runtime "end to end, including reading and writing"; the in-memory
/// rows (<see cref="ScoreRace.RawOrt"/>) read and write nothing, so they are the ceiling, not a program that does the same
/// job. This one does the job with the same input readers and the same prediction writer as np score (so the parsing and
/// formatting code is not what is compared), one batch at a time on one thread: read 256 rows, run, write, as ONNX
/// Runtime's samples do, with the session options of the in-memory rows (all threads inside the operators, no spinning).
/// It writes to a plain file, with no temporary file, fsync or rename (np score's atomic commit is its own cost).</remarks>
public static class RawOrtLoop
{
    /// <summary>The raw rows' session options, as np score's scorer sets them: <paramref name="intraOpThreads"/> threads
    /// inside the operators, one inter-op thread, sequential execution, every graph optimisation, no spinning.</summary>
    public static SessionOptions Options(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    /// <summary>Scores the input that <paramref name="open"/> opens for the model's input shape (without the batch
    /// dimension, read from the session) into a CSV of predictions at <paramref name="outputPath"/>.</summary>
    public static void Run(byte[] onnx, int threads, int batchSize, Func<int[], IRowSource> open, string outputPath)
    {
        using var options = Options(threads);
        using var session = new InferenceSession(onnx, options);
        using var run = new RunOptions();
        var shape = session.InputMetadata[ModelCard.InputName].Dimensions;
        int inputLength = shape.Skip(1).Aggregate(1, (a, d) => a * d);
        int outputLength = session.OutputMetadata[ModelCard.ProbabilitiesName].Dimensions.Skip(1).Aggregate(1, (a, d) => a * d);
        using var source = open([.. shape.Skip(1)]);
        var chunk = new RowChunk(batchSize, inputLength, outputLength);
        using var file = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = PredictionWriter.Create(PredictionFormat.Csv, file, source.HasItems, source.HasLabels, outputLength, null);
        writer.Begin();
        long[] dims = [.. shape.Select(d => (long)d)];
        while (true)
        {
            chunk.Clear();
            if (!source.Fill(chunk, Shard.All) && chunk.Count == 0) break;
            if (chunk.Count == 0) continue;
            dims[0] = chunk.Count;
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, chunk.Inputs.AsMemory(0, chunk.Count * inputLength), dims);
            using var y = session.Run(run, [ModelCard.InputName], [x], [ModelCard.ProbabilitiesName]);
            y[0].GetTensorDataAsSpan<float>().CopyTo(chunk.Outputs);
            writer.Write(chunk);
        }
        writer.Flush();
    }
}
