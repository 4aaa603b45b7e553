using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>After warm-up a convolutional training step (LeNet-5 and ResNet-8 on MNIST digits, a DCGAN step on MNIST
/// digits, a pix2pix step at ngf 32 on shipped photographs) allocates no managed memory: not on the training thread, and not on the kernels' worker threads, whose loops
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

    [Fact]
    public void A_pix2pix_step_with_512_tap_layers_allocates_nothing_after_warm_up()
    {
        // ngf 32 gives the 512-tap layers that take the column-free routes (Convolution.ColumnFreeTaps): G's and D's
        // 32→64 convolutions and the 128→32 transposed convolution.
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), 32, limit: 4);
        var l = new Tensor(4, 1, 32, 32);
        var ab = new Tensor(4, 2, 32, 32);
        int plane = 32 * 32;
        for (int i = 0; i < 4; i++)
        {
            // Red as the condition, green and blue as the target, in [−1, 1]: real pixels at the shapes the step needs.
            var rgb = photos.Image(i);
            for (int q = 0; q < plane; q++) l[i * plane + q] = rgb[q] * 2f - 1f;
            for (int q = 0; q < 2 * plane; q++) ab[i * 2 * plane + q] = rgb[plane + q] * 2f - 1f;
        }
        var g = UNet.Build(32, 1, 2, ngf: 32, seed: 1);
        var d = PatchGan.Build(3, 32, 3, seed: 2);
        var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f);
        var step = new Pix2PixStep(g, Optimizer.Create(adam, g.AllParameters().ToArray()), d, Optimizer.Create(adam, d.AllParameters().ToArray()));
        var (caller, workers) = LeastAllocated(() => step.Run(l, ab));
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
