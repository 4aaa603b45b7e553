using System.Diagnostics;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary><c>score-race --stages</c>: each stage of <c>np score</c>'s path timed alone, one after the other on one thread,
/// so the slowest one (the bound on the pipelined run) shows: reading the IDX folder (gunzip + convert), scoring, and
/// formatting the predictions CSV (into a null stream, then into a file with fsync).</summary>
/// <remarks>Wall seconds and this thread's CPU seconds are both given: on a shared 2-core machine the CPU figure is the
/// steadier one.</remarks>
public static class ScoreStages
{
    public static void Run(string name, byte[] onnx, OnnxScorerOptions options, string idx, string dir, int rows, float[] pixels, TextWriter output)
    {
        using var scorer = new OnnxScorer(onnx, options, "stages");
        var defaults = new BatchScoringOptions();
        // The chunks are made (and their pages touched) before the clock starts: a run reuses a few, it does not allocate.
        var chunks = new List<RowChunk>();
        for (int i = 0; i < (rows + defaults.ChunkRows - 1) / defaults.ChunkRows + 1; i++)
        {
            var c = new RowChunk(defaults.ChunkRows, scorer.InputLength, scorer.OutputLength);
            c.Inputs.AsSpan().Fill(0);
            c.Outputs.AsSpan().Fill(0);
            chunks.Add(c);
        }
        Time(name, "gunzip IDX alone (checked stream)", rows, output, () =>
        {
            var (_, payload) = NeuralPipelines.Data.Idx.IdxReader.OpenPayload(Path.Combine(idx, "t10k-images-idx3-ubyte.gz"));
            using (payload)
            {
                var buffer = new byte[1 << 20];
                while (payload.Read(buffer) > 0) { }
            }
        });
        Time(name, "read IDX (gunzip + convert)", rows, output, () =>
        {
            using var source = new IdxRows(idx, "test", scorer.InputShape, name);
            bool more = true;
            for (int i = 0; more; i++)
            {
                chunks[i].Clear();
                more = source.Fill(chunks[i], defaults.Shard);
            }
        });
        Time(name, "score", rows, output, () =>
        {
            foreach (var c in chunks.Where(c => c.Count > 0)) scorer.Score(c.Inputs.AsSpan(0, c.Count * c.InputLength), c.Count, c.Outputs.AsSpan(0, c.Count * c.OutputLength));
        });
        Time(name, "format CSV (to a null stream)", rows, output, () =>
        {
            using var writer = PredictionWriter.Create(PredictionFormat.Csv, Stream.Null, false, true, scorer.OutputLength, null);
            writer.Begin();
            foreach (var c in chunks) writer.Write(c);
            writer.Flush();
        });
        Time(name, "format + write CSV file (fsync)", rows, output, () =>
            NeuralPipelines.Data.IO.AtomicFile.Write(Path.Combine(dir, "preds-stages.csv"), stream =>
            {
                using var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, false, true, scorer.OutputLength, null);
                writer.Begin();
                foreach (var c in chunks) writer.Write(c);
                writer.Flush();
            }));
        EndToEnd(name, onnx, options, idx, dir, rows, pixels, output);
    }

    private static void EndToEnd(string name, byte[] onnx, OnnxScorerOptions options, string idx, string dir, int rows, float[] pixels, TextWriter output)
    {
        for (int round = 0; round < 2; round++)
        {
            Time(name, "raw ONNX Runtime (in memory)", rows, output, () => ScoreRace.RawOrt(onnx, pixels, rows, options));
            Time(name, "np score IDX → CSV (pipelined)", rows, output,
                () => ScoreRace.NpScore(onnx, options, s => new IdxRows(idx, "test", s.InputShape, name), Path.Combine(dir, "preds-idx.csv")));
        }
    }

    private static void Time(string name, string what, int rows, TextWriter output, Action run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        run();
        double wall = clock.Elapsed.TotalSeconds, used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        output.WriteLine($"  {name,-15} stage {what,-34} {wall,6:F2} s wall {rows / wall,10:N0} rows/s   {used,6:F2} CPU-s {rows / used,10:N0} rows/CPU-s");
    }
}
