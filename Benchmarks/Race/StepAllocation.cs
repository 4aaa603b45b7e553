using NeuralPipelines.Benchmarks.Cnn;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary><c>race alloc-steps</c>: managed bytes the whole process allocates (every thread, GC.GetTotalAllocatedBytes
/// precise) over 20 warm training steps of LeNet-5, ResNet-8 (batch 64) and the DCGAN (batch 64), on the shipped MNIST
/// digits. The tests check the training thread and the kernels' workers; this catches any other thread (a pool thread a
/// kernel woke, a timer) as well.</summary>
public static class StepAllocation
{
    private const int Warm = 5, Steps = 20;

    public static void Run(TextWriter output)
    {
        var mnist = CnnWorkload.LoadMnist();
        foreach (var net in new[] { "lenet5", "resnet" })
        {
            var work = new CnnWorkload(net, mnist, seed: 42);
            Report(output, net, i => work.TrainBatch(i * work.Batch % (work.TrainCount - work.Batch)));
        }
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        var real = new Tensor(64, train.Channels, train.Height, train.Width);
        train.Pixels.AsSpan(0, real.Length).CopyTo(real.Span);
        var step = GanStep.Dcgan(Dcgan.Generator(seed: 42), Dcgan.Discriminator(seed: 43), seed: 42);
        Report(output, "dcgan", _ => step.Run(real));
    }

    private static void Report(TextWriter output, string name, Action<int> step)
    {
        for (int i = 0; i < Warm; i++) step(i);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Steps; i++) step(Warm + i);
        output.WriteLine($"RESULT alloc-steps {name}: {GC.GetTotalAllocatedBytes(precise: true) - before} bytes over {Steps} warm steps (all threads)");
    }
}
