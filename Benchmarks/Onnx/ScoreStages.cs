using System.Diagnostics;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary><c>score-race --stages</c>: each stage of <c>np score</c>'s path timed alone, one after the other on one thread,
/// so the slowest one (the bound on the pipelined run) shows: reading the IDX folder (gunzip + convert), scoring, and
/// formatting the predictions CSV (into a null stream, then into a file with fsync). The chunks are kept for the whole
/// input, so the CSV stage reads all of it into memory: 100,000 rows × 784 floats is 314 MB.</summary>
/// <remarks>Wall seconds and this thread's CPU seconds are both given: on a shared 2-core machine the CPU figure is the
/// steadier one.</remarks>
public static class ScoreStages
{
    public static void Run(string name, byte[] onnx, OnnxScorerOptions options, string idx, string rawIdx, string csv, string dir, int rows, float[] pixels, TextWriter output)
    {
        using var scorer = new OnnxScorer(onnx, options, "stages");
        // Chunks of the old fixed size (4096 rows): the stages here are timed alone, each over the whole input.
        var defaults = new BatchScoringOptions { ChunkRows = 4096 };
        // The chunks are made (and their pages touched) before the clock starts: a run reuses a few, it does not allocate.
        var chunks = new List<RowChunk>();
        for (int i = 0; i < (rows + defaults.ChunkRows - 1) / defaults.ChunkRows + 1; i++)
        {
            var c = new RowChunk(defaults.ChunkRows, scorer.InputLength, scorer.OutputLength);
            c.Inputs.AsSpan().Fill(0);
            c.Outputs.AsSpan().Fill(0);
            chunks.Add(c);
        }
        string images = Path.Combine(idx, "t10k-images-idx3-ubyte.gz");
        Time(name, "gunzip IDX alone (GZipStream)", rows, output, () =>
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(images), System.IO.Compression.CompressionMode.Decompress);
            var buffer = new byte[1 << 20];
            while (gzip.Read(buffer) > 0) { }
        });
        Time(name, "gunzip IDX alone (checked stream)", rows, output, () =>
        {
            var (_, payload) = NeuralPipelines.Data.Idx.IdxReader.OpenPayload(images);
            using (payload)
            {
                var buffer = new byte[1 << 20];
                while (payload.Read(buffer) > 0) { }
            }
        });
        // The gzip check's CRC-32 over the inflated bytes, the textbook way (before) and eight bytes a step (now).
        var content = File.ReadAllBytes(Path.Combine(rawIdx, "t10k-images-idx3-ubyte"));
        Time(name, "CRC-32 of the images, bytewise", rows, output, () => NeuralPipelines.Data.IO.Crc32.AppendBytewise(0, content));
        Time(name, "CRC-32 of the images, sliced", rows, output, () => NeuralPipelines.Data.IO.Crc32.Append(0, content));
        // The unpacked images' two costs apart: the file read alone, and the bytes → floats conversion alone (into one
        // reused chunk, as a run converts, so the memory is warm).
        Time(name, "read the unpacked image file alone", rows, output, () =>
        {
            using var file = new FileStream(Path.Combine(rawIdx, "t10k-images-idx3-ubyte"), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var buffer = new byte[defaults.ChunkRows * 784];
            while (file.Read(buffer) > 0) { }
        });
        Time(name, "convert bytes → floats alone (×1/255)", rows, output, () =>
        {
            var into = chunks[0].Inputs.AsSpan(0, 784);
            for (long at = 16; at + 784 <= content.Length; at += 784)
            {
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<byte, float>(content.AsSpan((int)at, 784), into);
                System.Numerics.Tensors.TensorPrimitives.Multiply(into, 1f / 255f, into);
            }
        });
        // The CSV's rows parsed alone, both ways over the same lines: the plain twin (every cell through the general
        // parser) and the fast path (one-digit cells in one step, longer decimals eight bytes at a time).
        var csvLines = File.ReadAllLines(csv).Skip(1).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var cells = new double[csvLines[0].Count(b => b == ',') + 1];
        for (int round = 0; round < 2; round++)
        {
            Time(name, "CSV rows parsed alone, cell by cell (twin)", rows, output, () => { foreach (var l in csvLines) NeuralPipelines.Data.Csv.CsvRowReader.TryParseRowCellByCell(l, cells); });
            Time(name, "CSV rows parsed alone, fast path", rows, output, () => { foreach (var l in csvLines) NeuralPipelines.Data.Csv.CsvRowReader.TryParseRow(l, cells); });
            Time(name, "CSV rows parsed alone, comma masks", rows, output, () => { foreach (var l in csvLines) NeuralPipelines.Data.Csv.CsvCommaParser.TryParseRow(l, cells); });
        }
        csvLines = null;
        void Read(string what, Func<IRowSource> open) => Time(name, what, rows, output, () =>
        {
            using var source = open();
            bool more = true;
            for (int i = 0; more; i++)
            {
                chunks[i].Clear();
                more = source.Fill(chunks[i], defaults.Shard);
            }
        });
        Read("read IDX raw (convert)", () => new IdxRows(rawIdx, "test", scorer.InputShape, name));
        Read("read CSV (parse)", () => new CsvRows(csv, scorer.InputShape, name));
        Read("read IDX gz (gunzip + convert)", () => new IdxRows(idx, "test", scorer.InputShape, name));
        Time(name, "score", rows, output, () =>
        {
            foreach (var c in chunks.Where(c => c.Count > 0)) scorer.Score(c.Inputs.AsSpan(0, c.Count * c.InputLength), c.Count, c.Outputs.AsSpan(0, c.Count * c.OutputLength));
        });
        // The two ways to text a score, alone over the same million scores: the BCL (the writers' text before ShortestFloat)
        // and ShortestFloat (their text now, byte for byte the same).
        var text = new byte[64];
        Time(name, "scores → text, BCL float.TryFormat", rows, output, () =>
        {
            foreach (var c in chunks)
                foreach (var v in c.Outputs.AsSpan(0, c.Count * c.OutputLength)) v.TryFormat(text, out _, default, System.Globalization.CultureInfo.InvariantCulture);
        });
        Time(name, "scores → text, ShortestFloat", rows, output, () =>
        {
            foreach (var c in chunks)
                foreach (var v in c.Outputs.AsSpan(0, c.Count * c.OutputLength)) ShortestFloat.Format(v, text);
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
        EndToEnd(name, onnx, options, idx, rawIdx, dir, rows, pixels, output);
    }

    private static void EndToEnd(string name, byte[] onnx, OnnxScorerOptions options, string idx, string rawIdx, string dir, int rows, float[] pixels, TextWriter output)
    {
        for (int round = 0; round < 2; round++)
        {
            Time(name, "raw ONNX Runtime (in memory)", rows, output, () => ScoreRace.RawOrt(onnx, pixels, rows, options));
            Time(name, "np score IDX gz → CSV (pipelined)", rows, output,
                () => ScoreRace.NpScore(onnx, options, s => new IdxRows(idx, "test", s.InputShape, name), Path.Combine(dir, "preds-idx.csv")));
            Time(name, "np score IDX raw → CSV (pipelined)", rows, output,
                () => ScoreRace.NpScore(onnx, options, s => new IdxRows(rawIdx, "test", s.InputShape, name), Path.Combine(dir, "preds-idx.csv")));
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
