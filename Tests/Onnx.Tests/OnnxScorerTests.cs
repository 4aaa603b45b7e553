using Google.Protobuf;
using global::Onnx;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

public sealed class OnnxScorerTests
{
    private static OnnxScorer Cpu(byte[] onnx, int batch = 256) =>
        new(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1, BatchSize = batch });

    [Fact]
    public void Without_cuda_it_falls_back_to_the_cpu_and_says_why_in_one_line()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var log = new List<string>();
        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions { IntraOpNumThreads = 1, Log = log.Add });
        if (scorer.ExecutionProvider == "CUDA")
        {
            // On a GPU machine nothing must be logged.
            Assert.Empty(log);
            return;
        }
        Assert.Equal("CPU", scorer.ExecutionProvider);
        var line = Assert.Single(log);
        Assert.Contains("CUDA", line);
        Assert.Contains(scorer.FallbackReason!, line);
        // The scorer runs inside the user's app, not inside np: the line carries no "np:" prefix.
        Assert.StartsWith("ONNX Runtime's CUDA", line);
        Assert.EndsWith("on the CPU with 1 thread.", line);   // not "1 threads"
        Assert.DoesNotContain('\n', line);
        scorer.Score(TestModels.RandomRows(5, 16, 1), 5);
        Assert.Single(log);
    }

    [Fact]
    public void Asking_for_the_cpu_logs_nothing()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var log = new List<string>();
        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions { PreferCuda = false, Log = log.Add });
        Assert.Equal("CPU", scorer.ExecutionProvider);
        Assert.Null(scorer.FallbackReason);
        Assert.Empty(log);
    }

    [Fact]
    public void Scores_are_the_networks_softmax_probabilities()
    {
        var (net, card, onnx) = TestModels.SmallMlp();
        using var scorer = Cpu(onnx);
        Assert.Equal("probabilities", scorer.OutputName);
        Assert.Equal([1, 4, 4], scorer.InputShape);
        Assert.Equal(3, scorer.OutputLength);
        Assert.Equal("mlp", scorer.Card!.Architecture);

        var x = TestModels.RandomRows(7, 16, 2);
        var p = scorer.Score(x, 7);
        var logits = net.Forward(new Tensor((float[])x.Clone(), 7, 1, 4, 4), training: false).Span.ToArray();
        for (int i = 0; i < 7; i++)
        {
            var expected = new float[3];
            System.Numerics.Tensors.TensorPrimitives.SoftMax(logits.AsSpan(i * 3, 3), expected);
            for (int j = 0; j < 3; j++) Assert.Equal(expected[j], p[i * 3 + j], 1e-5f);
        }
        Assert.Equal(Enumerable.Range(0, 7).Select(i => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(i * 3, 3))), scorer.Predict(x, 7));
    }

    [Fact]
    public void Batching_does_not_change_the_answer()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var x = TestModels.RandomRows(600, 16, 3);
        using var big = Cpu(onnx, batch: 256);
        using var single = Cpu(onnx, batch: 1);
        var a = big.Score(x, 600);
        var b = single.Score(x, 600);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-6f);
    }

    [Fact]
    public void One_scorer_shared_by_many_threads_gives_each_the_same_answer_as_alone()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        using var scorer = Cpu(onnx, batch: 64);
        var inputs = Enumerable.Range(0, 8).Select(t => TestModels.RandomRows(300 + t * 17, 16, 100 + t)).ToArray();
        var alone = inputs.Select(x => scorer.Score(x, x.Length / 16)).ToArray();
        var together = new float[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int repeat = 0; repeat < 5; repeat++) together[t] = scorer.Score(inputs[t], inputs[t].Length / 16);
        });
        for (int t = 0; t < inputs.Length; t++) Assert.Equal(alone[t], together[t]);
    }

    [Fact]
    public void Rows_of_the_wrong_size_are_refused_naming_the_shape()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        using var scorer = Cpu(onnx);
        var e = Assert.Throws<ArgumentException>(() => scorer.Score(new float[3 * 15], 3));
        Assert.Contains("[1×4×4]", e.Message);
        Assert.Contains("45", e.Message);
    }

    [Fact]
    public void A_truncated_onnx_file_is_refused_with_its_name()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        using var temp = new TempFolder();
        var path = temp.File("truncated.onnx");
        File.WriteAllBytes(path, onnx[..(onnx.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(path, new OnnxScorerOptions { PreferCuda = false }));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_with_its_name()
    {
        using var temp = new TempFolder();
        var path = temp.Write("notes.onnx", "this is not a protobuf at all, just some text");
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(path, new OnnxScorerOptions { PreferCuda = false }));
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void A_file_over_protobufs_2_gb_is_refused_with_its_name_before_it_is_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("big.onnx");
        using (var f = File.Create(path)) f.SetLength(3L << 30); // sparse: takes no disk
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(path, new OnnxScorerOptions { PreferCuda = false }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal($"{path}: 3,221,225,472 bytes, more than the 2,147,483,647 an ONNX model file can hold (protobuf's limit); it is not an ONNX model.", e.Message);
    }

    [Fact]
    public void A_large_file_that_is_not_onnx_is_refused_without_being_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("zeros.onnx");
        using (var f = File.Create(path)) f.SetLength(OnnxFileBytes.WalkedFirstAbove + 1); // sparse zeros
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(path, new OnnxScorerOptions { PreferCuda = false }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.StartsWith($"{path}: not an ONNX model (", e.Message);
        Assert.EndsWith("it was not read).", e.Message);
    }

    [Fact]
    public void A_disposed_scorer_refuses_to_score_instead_of_crashing_the_process()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var scorer = Cpu(onnx);
        scorer.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => scorer.Score(new float[16], 1));
        Assert.Contains("disposed", e.Message);
        Assert.Throws<ObjectDisposedException>(() => scorer.Predict(new float[16], 1));
        scorer.Dispose();
    }

    [Fact]
    public async Task Dispose_waits_for_the_calls_in_flight_and_refuses_later_ones()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var scorer = Cpu(onnx, batch: 8);
        var x = TestModels.RandomRows(2000, 16, 5);
        var want = scorer.Score(x, 2000);
        using var started = new CountdownEvent(4);
        var threads = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            started.Signal();
            for (int i = 0; ; i++)
            {
                float[] got;
                try { got = scorer.Score(x, 2000); }
                catch (ObjectDisposedException) { return i; }
                Assert.Equal(want, got);
            }
        })).ToArray();
        started.Wait();
        Thread.Sleep(50);
        scorer.Dispose();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_negative_row_count_is_refused_naming_the_count()
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        using var scorer = Cpu(onnx);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Score(new float[16], -1));
        Assert.Equal("count", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Score(new float[16], -1, new float[3]));
    }

    /// <summary>A foreign model (no card, no checksum): input 'input' [batch, ..inputDims] → Flatten (or Reshape to
    /// <paramref name="reshape"/>) → Cast(outputType) → output 'probabilities' declared [batch, ..outputDims].</summary>
    private static byte[] Foreign(long[] inputDims, long[] outputDims, TensorProto.Types.DataType outputType = TensorProto.Types.DataType.Float, long[]? reshape = null)
    {
        static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
            foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
        }
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Value("input", TensorProto.Types.DataType.Float, inputDims));
        graph.Output.Add(Value("probabilities", outputType, outputDims));
        var flatten = new NodeProto { OpType = reshape is null ? "Flatten" : "Reshape", Name = "f" };
        flatten.Input.Add("input");
        flatten.Output.Add("flat");
        if (reshape is null) flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        else
        {
            var shape = new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int64 };
            shape.Dims.Add(reshape.Length);
            shape.Int64Data.Add(reshape);
            graph.Initializer.Add(shape);
            flatten.Input.Add("shape");
        }
        var cast = new NodeProto { OpType = "Cast", Name = "c" };
        cast.Input.Add("flat");
        cast.Output.Add("probabilities");
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)outputType });
        graph.Node.Add(flatten);
        graph.Node.Add(cast);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    /// <summary>Audit A: IntraOpNumThreads = 100000 hung in ONNX Runtime's session creation (the CLI bounded --threads,
    /// the library did not).</summary>
    [Theory]
    [InlineData(100_000, 1)]
    [InlineData(0, 1)]
    [InlineData(1, 5_000)]
    public async Task Thread_counts_out_of_range_are_refused_before_onnx_runtime_starts_them(int intraOp, int interOp)
    {
        var (_, _, onnx) = TestModels.SmallMlp();
        var e = await Task.Run(() => Assert.Throws<ArgumentException>(() =>
            new OnnxScorer(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = intraOp, InterOpNumThreads = interOp })))
            .WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException if it hangs, as it did
        Assert.Contains("1 to 1,024", e.Message);
        Assert.Contains($"{intraOp} and {interOp}", e.Message);
    }

    [Theory]
    [InlineData(TensorProto.Types.DataType.Double)]
    [InlineData(TensorProto.Types.DataType.String)]
    public void An_output_that_is_not_float32_is_refused_when_opened_naming_the_file(TensorProto.Types.DataType type)
    {
        // ONNX Runtime refused it only at the first batch, in words that named neither the file nor the output.
        var e = Assert.Throws<InvalidDataException>(() => new OnnxScorer(Foreign([1, 4, 4], [16], type), new OnnxScorerOptions { PreferCuda = false }, "m.onnx"));
        Assert.Equal($"m.onnx: output 'probabilities' holds {type}, the scorer reads float32.", e.Message);
    }

    [Theory]
    [InlineData(4_294_967_324L, 2)] // 2^32 + 28: ONNX Runtime's .NET API reports it as 28
    [InlineData(1L << 40, 2)]       // reported as 0
    public void An_axis_beyond_an_int_is_refused_naming_the_file_and_the_declared_size(long size, int axis)
    {
        var e = Assert.Throws<InvalidDataException>(() => new OnnxScorer(Foreign([1, size, 28], [28]), new OnnxScorerOptions { PreferCuda = false }, "m.onnx"));
        Assert.StartsWith($"m.onnx: input 'input' declares {size:N0} on axis {axis},", e.Message);
    }

    [Fact]
    public void A_row_of_more_values_than_an_int_is_refused_rather_than_wrapped()
    {
        // 65,537² = 2^32 + 2·65,536 + 1 wrapped to 131,073 values per row.
        var e = Assert.Throws<InvalidDataException>(() => new OnnxScorer(Foreign([1, 65_537, 65_537], [16]), new OnnxScorerOptions { PreferCuda = false }, "m.onnx"));
        Assert.StartsWith("m.onnx: input 'input' has shape [1,65537,65537] per row, more than", e.Message);
    }

    [Fact]
    public void A_batch_that_onnx_runtime_refuses_names_the_model_and_the_rows()
    {
        // Rows of 16 values reshaped to rows of 3: two rows (32 values) do not divide, which ONNX Runtime finds when it runs.
        using var scorer = new OnnxScorer(Foreign([1, 4, 4], [3], reshape: [-1, 3]), new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 }, "m.onnx");
        var e = Assert.Throws<InvalidDataException>(() => scorer.Score(new float[2 * 16], 2));
        Assert.StartsWith("m.onnx: ONNX Runtime could not score rows 0 to 1 (", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
