global using NeuralPipelines.Tests;
