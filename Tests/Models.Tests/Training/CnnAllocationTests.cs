using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>After warm-up a convolutional training step (LeNet-5 and ResNet-8 on MNIST digits, a DCGAN step on MNIST
/// digits) allocates no managed memory: not on the training thread, and not on the kernels' worker threads, whose loops
/// and products count what they allocate (<see cref="Gemm.WorkerAllocatedBytes"/>).</summary>
/// <remarks>The kernels' per-thread scratch grows the first time a thread takes a larger piece of a loop, and which
/// thread takes which piece depends on scheduling; a warm step is the least of a few, as in <c>GanStepTests</c>.</remarks>
[Collection(nameof(Kernels.GemmThreadsCollection))]
public class CnnAllocationTests
{
    [Theory]
    [InlineData("lenet5")]
    [InlineData("resnet")]
    public void A_zoo_network_training_step_allocates_nothing_after_warm_up(string architecture)
    {
        var data = MnistTrainingTests.Mnist.Value.Train.Take(512);
        var net = ModelZoo.Build(architecture, new ZooOptions(data.Channels, data.Height, data.Width, data.Classes, Seed: 3));
        var step = new TrainingStep(net, new LogLikelihoodCost(),
            Optimizer.Create(new OptimizerSettings(OptimizerKind.Sgd, Momentum: 0.9f), net.AllParameters().ToList()), regularizer: null);
        var batches = new BatchAssembler(data);
        var order = Enumerable.Range(0, data.Count).ToArray();
        int at = 0;
        var (caller, workers) = LeastAllocated(() =>
        {
            batches.Fill(order, at, 64, null);
            at = (at + 64) % data.Count;
            step.Run(batches.Images, batches.Targets, 0.05f);
        });
        Assert.Equal(0, caller);
        Assert.Equal(0, workers);
    }

    [Fact]
    public void A_dcgan_step_allocates_nothing_after_warm_up()
    {
        var digits = MnistTrainingTests.Mnist.Value.Train;
        var real = new Tensor(32, 1, 28, 28);
        // MNIST digits scaled to the generator's tanh range [−1, 1].
        for (int i = 0; i < real.Length; i++) real[i] = digits.Pixels[i] * 2f - 1f;
        var step = GanStep.Dcgan(Dcgan.Generator(seed: 1), Dcgan.Discriminator(seed: 2), seed: 3);
        var (caller, workers) = LeastAllocated(() => step.Run(real));
        Assert.Equal(0, caller);
        Assert.Equal(0, workers);
    }

    /// <summary>Three warm-up steps, then the least that any of five steps allocated on the caller and on the workers.</summary>
    private static (long Caller, long Workers) LeastAllocated(Action step)
    {
        for (int i = 0; i < 3; i++) step();
        long caller = long.MaxValue, workers = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread(), workersBefore = Gemm.WorkerAllocatedBytes;
            step();
            caller = Math.Min(caller, GC.GetAllocatedBytesForCurrentThread() - before);
            workers = Math.Min(workers, Gemm.WorkerAllocatedBytes - workersBefore);
        }
        return (caller, workers);
    }
}
