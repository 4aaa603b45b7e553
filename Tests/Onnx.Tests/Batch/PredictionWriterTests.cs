using System.Globalization;
using System.Text;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Batch;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>The writers format straight into a UTF-8 byte buffer; these pin their bytes to the plain string text
/// (<c>ToString</c> in the invariant culture, then UTF-8) across buffer boundaries, non-ASCII and over-long cells.</summary>
public class PredictionWriterTests
{
    // MNIST pixels as "scores": real floats of every kind (0, 1, thirds, sevenths…), 10 to a row, many rows, so the
    // 64 KiB buffer fills and drains many times, at every offset.
    private static RowChunk Chunk(bool items)
    {
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test;
        const int rows = 3000, outputs = 10;
        var chunk = new RowChunk(rows, 1, outputs);
        var pixels = new float[784];
        for (int r = 0; r < rows; r++)
        {
            test.Image(r % test.Count).CopyTo(pixels);
            for (int k = 0; k < outputs; k++) chunk.Outputs[r * outputs + k] = pixels[(200 + 37 * k + r) % 784] / (1 + r % 7);
            chunk.Rows[r] = 1_000_000_007L * r;
            chunk.Labels[r] = r % 5 == 0 ? "a \"quoted\", label" : test.Labels[r % test.Count].ToString(CultureInfo.InvariantCulture);
            if (items) chunk.Items[r] = r % 3 == 0 ? $"chiffres/é数🙂/{r}.png" : r == 1000 ? new string('x', 100_000) + ",long" : $"{r}.png";
        }
        chunk.Outputs[5] = float.NaN;
        chunk.Outputs[16] = float.PositiveInfinity;
        chunk.Outputs[27] = -0f;
        chunk.Count = rows;
        return chunk;
    }

    private static string Written(PredictionFormat format, RowChunk chunk, bool items, IReadOnlyList<string>? classes)
    {
        using var buffer = new MemoryStream();
        using (var writer = PredictionWriter.Create(format, buffer, items, true, chunk.OutputLength, classes))
        {
            writer.Begin();
            writer.Write(chunk);
            writer.Flush();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void A_file_past_the_writeback_step_holds_the_same_bytes_as_memory()
    {
        // 3000 rows with a 100,000-byte item are about 0.3 MB: written 30 times they pass the 4 MiB step at which the
        // writer starts the file's disk writes (Writeback) twice over.
        var chunk = Chunk(items: true);
        using var memory = new MemoryStream();
        using var folder = new NeuralPipelines.Tests.TempFolder();
        var path = folder.File("p.csv");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            foreach (var stream in new Stream[] { memory, file })
                using (var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, true, true, chunk.OutputLength, null))
                {
                    writer.Begin();
                    for (int i = 0; i < 30; i++) writer.Write(chunk);
                    writer.Flush();
                }
        Assert.True(memory.Length > 2 * (4 << 20), $"{memory.Length} bytes");
        Assert.Equal(memory.ToArray(), File.ReadAllBytes(path));
        // The kernel call itself: asked for a file on Linux, a no-op elsewhere and for any other stream.
        using (var again = new FileStream(path, FileMode.Open, FileAccess.Write))
            Assert.Equal(OperatingSystem.IsLinux(), NeuralPipelines.Data.IO.Writeback.Start(again));
        Assert.False(NeuralPipelines.Data.IO.Writeback.Start(memory));
    }

    private static string N(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Csv(string? cell) => cell is null ? "" : cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;

    [Fact]
    public void CSV_bytes_are_the_invariant_text_of_every_cell()
    {
        var chunk = Chunk(items: true);
        string[] classes = ["zero", "un", "deux, trois", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"];
        var expected = new StringBuilder("row,item,label,predicted_class,predicted_label," + string.Join(',', Enumerable.Range(0, 10).Select(k => $"score_{k}")) + "\n");
        for (int r = 0; r < chunk.Count; r++)
        {
            var scores = chunk.Output(r);
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores);
            expected.Append($"{chunk.Rows[r]},{Csv(chunk.Items[r])},{Csv(chunk.Labels[r])},{best},{Csv(classes[best])}");
            foreach (var s in scores) expected.Append(',').Append(N(s));
            expected.Append('\n');
        }
        Assert.Equal(expected.ToString(), Written(PredictionFormat.Csv, chunk, items: true, classes));
    }

    [Fact]
    public void JSON_Lines_bytes_are_the_invariant_text_of_every_field_with_null_for_non_finite_scores()
    {
        var chunk = Chunk(items: false);
        var expected = new StringBuilder();
        for (int r = 0; r < chunk.Count; r++)
        {
            var scores = chunk.Output(r).ToArray();
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores);
            expected.Append($"{{\"row\":{chunk.Rows[r]},\"label\":{System.Text.Json.JsonSerializer.Serialize(chunk.Labels[r])},\"predicted_class\":{best},\"scores\":[");
            expected.Append(string.Join(',', scores.Select(s => float.IsFinite(s) ? N(s) : "null"))).Append("]}\n");
        }
        string written = Written(PredictionFormat.JsonLines, chunk, items: false, null);
        Assert.Equal(expected.ToString(), written);
        Assert.Contains(",null,", written);
    }
}
