using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Benchmarks;

/// <summary>
/// A network trained the way the libtorch peer trains its workloads: softmax + log-likelihood (= log-softmax + NLL),
/// SGD with momentum 0.9, pixels in [0, 1], a fresh shuffle per epoch. <see cref="MlpWorkload"/> and
/// <see cref="Cnn.CnnWorkload"/> only choose the network, the learning rate and the batch size.
/// </summary>
public abstract class SgdWorkload
{
    private readonly LabelledImages _train;
    private readonly BatchAssembler _batches;
    private readonly int[] _order;
    private readonly Random _shuffle;

    protected SgdWorkload(Layer network, TrainTestSplit data, float learningRate, int batch, int seed)
    {
        Data = data;
        Network = network;
        LearningRate = learningRate;
        Batch = batch;
        _train = data.Train;
        var optimizer = Optimizer.Create(new OptimizerSettings(OptimizerKind.Sgd, Momentum: 0.9f), Network.AllParameters().ToList());
        Step = new TrainingStep(Network, new LogLikelihoodCost(), optimizer, regularizer: null);
        _batches = new BatchAssembler(_train);
        _order = Enumerable.Range(0, _train.Count).ToArray();
        _shuffle = new Random(seed);
    }

    public static TrainTestSplit LoadMnist() => IdxImageFolder.Load(ShippedData.Mnist);

    public TrainTestSplit Data { get; }
    public Layer Network { get; }
    public float LearningRate { get; }
    public int Batch { get; }
    public TrainingStep Step { get; }
    public int TrainCount => _train.Count;

    /// <summary>One epoch over the training set; returns the mean batch cost.</summary>
    public double Epoch()
    {
        _shuffle.Shuffle(_order);
        double sum = 0; int batches = 0;
        for (int s = 0; s < _order.Length; s += Batch)
        {
            sum += TrainBatch(s);
            batches++;
        }
        return sum / batches;
    }

    /// <summary>One SGD step on the batch that starts at <paramref name="start"/> of the current order.</summary>
    public double TrainBatch(int start)
    {
        int count = Math.Min(Batch, _order.Length - start);
        _batches.Fill(_order, start, count, augmentationRng: null);
        return Step.Run(_batches.Images, _batches.Targets, LearningRate);
    }

    public double TestAccuracy() => Evaluator.Evaluate(Network, Step.Loss, Data.Test).Accuracy;
}
