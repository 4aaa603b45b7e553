namespace NeuralPipelines.Data.Datasets;

/// <summary>A dataset's training and test images, as published (never re-shuffled across the split).</summary>
public sealed record TrainTestSplit(string Name, LabelledImages Train, LabelledImages Test);
